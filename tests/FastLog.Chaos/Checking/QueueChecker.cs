using System.Globalization;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Checking;

/// <summary>
/// Jepsen's queue checker over a finished <see cref="RunHistory"/>. The final read (every
/// partition from its start, after the faults ended) is the authority on what is stored; the
/// consumers' reads during the run are checked for what a reader may see: offsets rising one by
/// one within a session and every value where it was acknowledged. Indeterminate writes may appear
/// at most once (or not at all); failed writes never.
/// </summary>
internal static class QueueChecker
{
    public static CheckResult Check(RunHistory history, CheckPolicy policy)
    {
        var findings = new List<Finding>();
        var writes = new Dictionary<string, WriteOp>(history.Writes.Count, StringComparer.Ordinal);
        foreach (var write in history.Writes)
        {
            writes[RecordValue.Format(write.Producer, write.Sequence)] = write;
        }

        var stored = history.FinalRead.GroupBy(r => r.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var kills = history.Faults.Where(f => f.Kind == FaultKind.Kill).OrderBy(f => f.StartMs).ToArray();
        var maxLostAge = 0.0;

        foreach (var (value, write) in writes)
        {
            stored.TryGetValue(value, out var copies);
            var distinctOffsets = copies?.Select(c => (c.Partition, c.Offset)).Distinct().Count() ?? 0;
            if (distinctOffsets > 1)
            {
                findings.Add(new Finding(ViolationKind.Duplicated, policy.AtLeastOnce, $"{value} ({write.Outcome}) stored at {string.Join(", ", copies!.Select(Where))}"));
            }

            switch (write.Outcome)
            {
                case WriteOutcome.Ok when copies is null:
                    var age = AgeAtNextKill(kills, write.CompletedMs);
                    var byDesign = policy.LossWindowMs is { } window && age is { } a && a <= window;
                    if (byDesign)
                    {
                        maxLostAge = Math.Max(maxLostAge, age!.Value);
                    }

                    var when = age is { } ms ? string.Create(CultureInfo.InvariantCulture, $"acknowledged {ms:F0} ms before a kill") : "no kill after its acknowledgement";
                    findings.Add(new Finding(ViolationKind.Lost, byDesign, $"{value} acknowledged at {write.Partition}@{write.Offset}, not stored ({when})"));
                    break;
                // A duplicate's extra copy is counted as duplicated; inconsistent is the acknowledged position holding none.
                // An acknowledgement without an offset (librdkafka's success for DUPLICATE_SEQUENCE_NUMBER: "already
                // stored", offset unknown, -1001) names no position to hold: only loss and duplication apply to it.
                case WriteOutcome.Ok when write.Offset >= 0 && !copies.Any(c => c.Partition == write.Partition && c.Offset == write.Offset):
                    findings.Add(new Finding(ViolationKind.InconsistentOffset, false, $"{value} acknowledged at {write.Partition}@{write.Offset}, stored at {string.Join(", ", copies.Select(Where))}"));
                    break;
                case WriteOutcome.Failed when copies is not null:
                    findings.Add(new Finding(ViolationKind.FailedButPresent, false, $"{value} failed ({write.Error}) but stored at {string.Join(", ", copies.Select(Where))}"));
                    break;
                default:
                    break;
            }
        }

        foreach (var read in history.FinalRead.Concat(history.Reads))
        {
            if (!writes.ContainsKey(read.Value))
            {
                findings.Add(new Finding(ViolationKind.Unexpected, false, $"{read.Reader} read \"{read.Value}\" at {Where(read)}, never sent"));
            }
        }

        CheckOrder(history, findings, policy);
        CheckConsumerReads(history, writes, findings);
        CheckCommits(history, findings);
        return new CheckResult
        {
            Findings = findings,
            WritesByOutcome = Enum.GetValues<WriteOutcome>().ToDictionary(o => o, o => history.Writes.Count(w => w.Outcome == o)),
            FinalRecords = history.FinalRead.Count,
            ConsumerReads = history.Reads.Count,
            ReadsByReader = history.Reads.GroupBy(r => r.Reader).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (g.Count(), g.Max(r => r.AtMs))),
            Commits = history.Commits.Count,
            MaxLostAckAgeMs = maxLostAge,
        };
    }

    /// <summary>Per producer and partition, the first copy of each of its values in offset order must have rising sequence numbers.</summary>
    private static void CheckOrder(RunHistory history, List<Finding> findings, CheckPolicy policy)
    {
        var last = new Dictionary<(int Partition, int Producer), (long Sequence, long Offset)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var read in history.FinalRead.OrderBy(r => r.Partition).ThenBy(r => r.Offset))
        {
            if (!seen.Add(read.Value) || !RecordValue.TryParse(read.Value, out var producer, out var sequence))
            {
                continue;
            }

            var key = (read.Partition, producer);
            if (last.TryGetValue(key, out var previous) && sequence < previous.Sequence)
            {
                // Without idempotence a retried batch may land after a later one: at-least-once, by design.
                findings.Add(new Finding(ViolationKind.Reordered, policy.AtLeastOnce, $"partition {read.Partition}: {read.Value} at offset {read.Offset} after p{producer}-{previous.Sequence} at offset {previous.Offset}"));
            }

            last[key] = (Math.Max(sequence, previous.Sequence), read.Offset);
        }
    }

    /// <summary>Within a session offsets rise one by one (no offset the log holds is skipped), and every read agrees with the final read at its offset.</summary>
    private static void CheckConsumerReads(RunHistory history, Dictionary<string, WriteOp> writes, List<Finding> findings)
    {
        var storedOffsets = history.FinalRead.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Select(r => r.Offset).Order().ToArray());
        var storedAt = new Dictionary<(int Partition, long Offset), string>();
        foreach (var stored in history.FinalRead)
        {
            storedAt[(stored.Partition, stored.Offset)] = stored.Value;
        }

        var position = new Dictionary<(string Reader, int Session, int Partition), long>();
        foreach (var read in history.Reads)
        {
            // The offset holds another value in the final read (the log changed under the reader), or
            // it holds nothing there and the value was acknowledged elsewhere.
            var inconsistent = storedAt.TryGetValue((read.Partition, read.Offset), out var storedValue)
                ? !string.Equals(storedValue, read.Value, StringComparison.Ordinal)
                : writes.TryGetValue(read.Value, out var write) && write.Outcome == WriteOutcome.Ok && (write.Partition != read.Partition || write.Offset != read.Offset);
            if (inconsistent)
            {
                findings.Add(new Finding(ViolationKind.InconsistentOffset, false, $"{read.Reader} read {read.Value} at {Where(read)}, where the final read has {storedValue ?? "nothing"}"));
            }

            var key = (read.Reader, read.Session, read.Partition);
            if (position.TryGetValue(key, out var previous))
            {
                if (read.Offset <= previous)
                {
                    findings.Add(new Finding(ViolationKind.NonMonotonicPoll, false, $"{read.Reader} session {read.Session} partition {read.Partition}: offset {read.Offset} after {previous}"));
                }
                else if (read.Offset > previous + 1 && storedOffsets.TryGetValue(read.Partition, out var offsets) && HoldsBetween(offsets, previous, read.Offset))
                {
                    findings.Add(new Finding(ViolationKind.SkippedOffset, false, $"{read.Reader} session {read.Session} partition {read.Partition}: offset {read.Offset} after {previous}, the log holds offsets between"));
                }
            }

            position[key] = Math.Max(read.Offset, previous);
        }
    }

    /// <summary>A group's acknowledged commits never go down, and the offsets read back at the end are at least the last acknowledged.</summary>
    private static void CheckCommits(RunHistory history, List<Finding> findings)
    {
        var highest = new Dictionary<int, CommitOp>();
        foreach (var commit in history.Commits.OrderBy(c => c.AtMs))
        {
            if (highest.TryGetValue(commit.Partition, out var previous) && commit.Offset < previous.Offset)
            {
                findings.Add(new Finding(ViolationKind.CommitWentBackwards, false, string.Create(CultureInfo.InvariantCulture, $"partition {commit.Partition}: {commit.Member} committed {commit.Offset} at {commit.AtMs:F0} ms after {previous.Member} committed {previous.Offset} at {previous.AtMs:F0} ms")));
            }

            if (previous is null || commit.Offset > previous.Offset)
            {
                highest[commit.Partition] = commit;
            }
        }

        foreach (var (partition, commit) in highest)
        {
            var final = history.FinalCommitted.TryGetValue(partition, out var offset) ? offset : -1;
            if (final < commit.Offset)
            {
                findings.Add(new Finding(ViolationKind.CommitWentBackwards, false, $"partition {partition}: committed offset read back at the end is {final}, {commit.Member} had committed {commit.Offset}"));
            }
        }
    }

    /// <summary>
    /// How long before the kill that took it the write was acknowledged; null when no kill followed.
    /// An acknowledgement recorded while the node was down (between a kill and its restart) was
    /// answered by the killed process just before it died (the client saw it a moment later): age 0.
    /// </summary>
    private static double? AgeAtNextKill(FaultEvent[] kills, double ackMs)
    {
        foreach (var kill in kills)
        {
            if (kill.EndMs > ackMs)
            {
                return Math.Max(0, kill.StartMs - ackMs);
            }
        }

        return null;
    }

    private static bool HoldsBetween(long[] sortedOffsets, long after, long before)
    {
        var index = Array.BinarySearch(sortedOffsets, after + 1);
        index = index < 0 ? ~index : index;
        return index < sortedOffsets.Length && sortedOffsets[index] < before;
    }

    private static string Where(ReadOp read) => $"{read.Partition}@{read.Offset}";
}
