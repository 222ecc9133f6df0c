using System.Globalization;
using System.Text;
using FastLog.Chaos.Checking;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;
using static System.FormattableString;

namespace FastLog.Chaos.Report;

/// <summary>The run's report for people: the verdict first, then faults, workload, each check with its count, and examples.</summary>
internal static class MarkdownReport
{
    private static readonly Dictionary<ViolationKind, string> Checks = new()
    {
        [ViolationKind.Lost] = "lost (acknowledged, not read back)",
        [ViolationKind.Duplicated] = "duplicated (stored at two offsets)",
        [ViolationKind.InconsistentOffset] = "inconsistent offset (read where it was not acknowledged)",
        [ViolationKind.Reordered] = "reordered (per producer and partition)",
        [ViolationKind.Unexpected] = "unexpected (read, never sent)",
        [ViolationKind.FailedButPresent] = "failed but present",
        [ViolationKind.SkippedOffset] = "consumer skipped offsets",
        [ViolationKind.NonMonotonicPoll] = "consumer poll not monotonic",
        [ViolationKind.CommitWentBackwards] = "committed offset went backwards",
    };

    public static string Render(RunReport report, Timeline timeline)
    {
        var result = report.Result;
        var md = new StringBuilder();
        var violations = result.Findings.Count(f => !f.ByDesign);
        md.AppendLine(Invariant($"# Chaos run {report.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(violations == 0 ? "**PASS: no violation.**" : Invariant($"**FAIL: {violations} violation(s).**"));
        md.AppendLine();
        md.AppendLine(Invariant($"- System: {report.System}"));
        md.AppendLine(Invariant($"- Workload: topic `{report.Workload.Topic}`, {report.Workload.Partitions} partitions (RF {report.Workload.ReplicationFactor}{(report.Workload.MinInsyncReplicas is { } minInsync ? Invariant($", min.insync.replicas {minInsync}") : "")}{(report.Workload.SegmentBytes is { } segment ? Invariant($", segment.bytes {segment}") : "")}), {report.Workload.Producers} producers at {report.Workload.Rate} writes/s each, {(report.Workload.AcksAll ? "acks=all, idempotent" : "acks=1, not idempotent, one request in flight")}; 1 assigned reader, {report.Workload.GroupConsumers} group consumers committing every {report.Workload.CommitIntervalMs} ms"));
        md.AppendLine(Invariant($"- Broker: log.flush.interval.ms = {report.FlushIntervalMs?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, fastlog.ack.durability = {report.AckDurability ?? "unknown"}"));
        md.AppendLine(Invariant($"- Faults: {report.History.Faults.Count} ({(report.FaultKinds.Count == 0 ? "none" : string.Join(", ", report.FaultKinds.Select(FaultKinds.Name)))}), seed {report.Options.Seed}; run took {report.Elapsed.TotalSeconds:F0} s"));
        md.AppendLine(Invariant($"- Replay: `scripts/chaos.sh {Replay(report.Options)}`"));
        md.AppendLine();
        md.AppendLine("![timeline](timeline.svg)");
        md.AppendLine();
        Faults(md, report, timeline);
        md.AppendLine("## Workload");
        md.AppendLine();
        md.AppendLine("| writes | acknowledged | failed | indeterminate | records in the final read | consumer reads | commits acknowledged |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(Invariant($"| {report.History.Writes.Count} | {result.WritesByOutcome[WriteOutcome.Ok]} | {result.WritesByOutcome[WriteOutcome.Failed]} | {result.WritesByOutcome[WriteOutcome.Indeterminate]} | {result.FinalRecords} | {result.ConsumerReads} | {result.Commits} |"));
        md.AppendLine();
        md.AppendLine(Invariant($"Consumer reads: {string.Join("; ", result.ReadsByReader.Select(r => Invariant($"{r.Key} {r.Value.Reads} (last at {r.Value.LastMs / 1000:F0} s)")))}."));
        md.AppendLine();
        WriteErrors(md, report.History.Writes);
        md.AppendLine("## Checks");
        md.AppendLine();
        md.AppendLine("| check | violations | by design |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (kind, name) in Checks)
        {
            md.AppendLine(Invariant($"| {name} | {result.Count(kind, byDesign: false)} | {result.Count(kind, byDesign: true)} |"));
        }

        md.AppendLine();
        ByDesign(md, report);
        Examples(md, result);
        if (report.DuplicateOrigins.Count > 0)
        {
            md.AppendLine("Batches holding the duplicated copies (one producer epoch and sequence stored twice is the broker's fault; a later producer epoch is the client re-sending after an epoch bump):");
            md.AppendLine();
            foreach (var origin in report.DuplicateOrigins)
            {
                md.AppendLine($"- {origin}");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    /// <summary>
    /// What the failed and indeterminate writes were told, most frequent first: a run's failures
    /// read differently when they are timeouts during faults than when one error (a fatal producer
    /// state, an unknown producer id) stands out.
    /// </summary>
    private static void WriteErrors(StringBuilder md, IReadOnlyList<WriteOp> writes)
    {
        const int Shown = 8;
        var errors = writes.Where(w => w.Outcome != WriteOutcome.Ok)
            .GroupBy(w => (w.Outcome, Error: w.Error ?? "(none)"))
            .Select(g => (g.Key.Outcome, g.Key.Error, Count: g.Count(), FirstMs: g.Min(w => w.CompletedMs)))
            .OrderByDescending(e => e.Count)
            .ToList();
        if (errors.Count == 0)
        {
            return;
        }

        md.AppendLine("| outcome | error | writes | first at |");
        md.AppendLine("|---|---|---:|---:|");
        foreach (var (outcome, error, count, firstMs) in errors.Take(Shown))
        {
            md.AppendLine(Invariant($"| {outcome} | {error.Replace("|", "\\|", StringComparison.Ordinal)} | {count} | {firstMs / 1000:F1} s |"));
        }

        if (errors.Count > Shown)
        {
            md.AppendLine(Invariant($"| | {errors.Count - Shown} other error(s) | {errors.Skip(Shown).Sum(e => e.Count)} | |"));
        }

        md.AppendLine();
    }

    private static void Faults(StringBuilder md, RunReport report, Timeline timeline)
    {
        if (report.History.Faults.Count == 0)
        {
            return;
        }

        md.AppendLine("## Faults");
        md.AppendLine();
        md.AppendLine("Recovery: from the fault's injection to the acknowledgement of the first write sent after it.");
        md.AppendLine();
        md.AppendLine("| fault | count | mean duration (s) | recovery p50 (ms) | recovery p99 (ms) |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var group in report.History.Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key))
        {
            var recovery = timeline.RecoveryPercentiles(group.Key);
            md.AppendLine(Invariant($"| {group.Key.Name()} | {group.Count()} | {group.Average(f => f.EndMs - f.StartMs) / 1000:F1} | {recovery?.P50 ?? double.NaN:F0} | {recovery?.P99 ?? double.NaN:F0} |"));
        }

        md.AppendLine();
        if (timeline.FailoverMs.Count > 0)
        {
            md.AppendLine(FailoverLine(timeline));
            md.AppendLine();
        }
    }

    /// <summary>The failover of leader and controller kills, as the report and the console print it.</summary>
    public static string FailoverLine(Timeline timeline)
    {
        var failover = timeline.FailoverPercentiles();
        var unrecovered = timeline.FailoverMs.Values.Count(v => v is null);
        return Invariant($"Failover (leader and controller kills, {timeline.FailoverMs.Count}: from the kill to an acknowledged acks=all write, sent after it, on every partition): p50 {failover?.P50 ?? double.NaN:F0} ms, p99 {failover?.P99 ?? double.NaN:F0} ms{(unrecovered > 0 ? Invariant($"; {unrecovered} never recovered") : "")}.");
    }

    /// <summary>What the configuration allows, said where a reader of the counts needs it.</summary>
    private static void ByDesign(StringBuilder md, RunReport report)
    {
        if (report.Policy.LossWindowMs is { } window)
        {
            var lost = report.Result.Count(ViolationKind.Lost, byDesign: true);
            md.AppendLine(Invariant($"**By design:** with acks=1 and `fastlog.ack.durability=written` the broker answers once a batch is written and makes it durable with the interval flush (`log.flush.interval.ms` = {report.FlushIntervalMs?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} ms), Kafka's own trade: what was acknowledged within that interval (plus the flush's own time: {window:F0} ms allowed here) before a crash may be lost, and any older loss is a violation."));
            md.AppendLine(lost == 0
                ? " This run lost none: a kill -9 ends the process, not the machine, and a batch written is in the kernel's hands when it is acknowledged; what the interval bounds is an operating-system crash or a power cut, which a process kill does not reproduce."
                : Invariant($" {lost} acknowledged write(s) were lost that way, the oldest acknowledged {report.Result.MaxLostAckAgeMs:F0} ms before its kill."));
            md.AppendLine(" `--ack-durability durable` (or acks=all) makes every acknowledged write durable.");
            md.AppendLine();
        }

        if (report.Policy.AtLeastOnce)
        {
            md.AppendLine("**By design:** acks=1 producers are not idempotent (librdkafka allows idempotence only with acks=all): a retry of a write whose answer was lost stores it again (at-least-once), so duplicates (and a retry landing after a later write) are counted apart.");
            md.AppendLine();
        }
    }

    private static void Examples(StringBuilder md, CheckResult result)
    {
        if (result.Findings.Count == 0)
        {
            return;
        }

        md.AppendLine("## Examples");
        md.AppendLine();
        foreach (var kind in Checks.Keys)
        {
            foreach (var byDesign in new[] { false, true })
            {
                var examples = result.Examples(kind, byDesign).ToList();
                if (examples.Count == 0)
                {
                    continue;
                }

                md.AppendLine(Invariant($"{Checks[kind]}{(byDesign ? " (by design)" : "")}:"));
                md.AppendLine();
                foreach (var example in examples)
                {
                    md.AppendLine($"- {example.Description}");
                }

                md.AppendLine();
            }
        }
    }

    /// <summary>The command line with the seed pinned, so the same schedule runs again.</summary>
    private static string Replay(ChaosOptions options)
    {
        var args = options.CommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var seed = args.IndexOf("--seed");
        if (seed >= 0 && seed + 1 < args.Count)
        {
            args.RemoveRange(seed, 2);
        }

        return string.Join(' ', args.Append("--seed").Append(options.Seed.ToString(CultureInfo.InvariantCulture)));
    }
}
