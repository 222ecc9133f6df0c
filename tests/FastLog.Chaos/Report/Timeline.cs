using FastLog.Chaos.Faults;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Report;

/// <summary>The run second by second (acknowledged writes and their latency), and each fault's recovery time.</summary>
internal sealed class Timeline
{
    private Timeline(IReadOnlyList<Second> seconds, IReadOnlyDictionary<FaultEvent, double?> recovery, IReadOnlyDictionary<FaultEvent, double?> failover)
    {
        Seconds = seconds;
        RecoveryMs = recovery;
        FailoverMs = failover;
    }

    /// <summary>Acknowledged writes completed in second <c>At</c> of the run, and the p50/p99 of their produce latency (ms).</summary>
    internal sealed record Second(int At, int Acknowledged, double P50Ms, double P99Ms);

    public IReadOnlyList<Second> Seconds { get; }

    /// <summary>
    /// Per fault: from its injection to the acknowledgement of the first write sent after it
    /// (the failover time: how long the system took writes for nothing); null if none was.
    /// </summary>
    public IReadOnlyDictionary<FaultEvent, double?> RecoveryMs { get; }

    /// <summary>
    /// Per kill of a leader or the controller: from the kill to the moment every partition has
    /// acknowledged an acks=all write sent after it (a leader kill stalls only the partitions it
    /// led, so the first write on any partition would say nothing); null if some partition never did.
    /// </summary>
    public IReadOnlyDictionary<FaultEvent, double?> FailoverMs { get; }

    public static Timeline Of(RunHistory history)
    {
        var ok = history.Writes.Where(w => w.Outcome == WriteOutcome.Ok).ToList();
        var last = ok.Count == 0 ? 0 : (int)(ok.Max(w => w.CompletedMs) / 1000);
        var bySecond = ok.ToLookup(w => (int)(w.CompletedMs / 1000));
        var seconds = Enumerable.Range(0, last + 1).Select(s =>
        {
            var latencies = bySecond[s].Select(w => w.CompletedMs - w.InvokedMs).Order().ToArray();
            return new Second(s, latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        }).ToList();
        var firstAck = FirstAcknowledgement(ok);
        var recovery = history.Faults.ToDictionary(f => f, f => firstAck(f.StartMs) - f.StartMs);
        var perPartition = ok.GroupBy(w => w.Partition).Select(FirstAcknowledgement).ToList();
        var failover = history.Faults.Where(f => f.Kind.IsFailover()).ToDictionary(f => f, f =>
            perPartition.Select(p => p(f.StartMs)).Aggregate((double?)f.StartMs, (latest, ack) => latest is null || ack is null ? null : Math.Max(latest.Value, ack.Value)) - f.StartMs);
        return new Timeline(seconds, recovery, failover);
    }

    /// <summary>p50 and p99 of the recovery times of one kind of fault (ms), or null if none recovered.</summary>
    public (double P50, double P99)? RecoveryPercentiles(FaultKind kind) => Percentiles(RecoveryMs.Where(r => r.Key.Kind == kind).Select(r => r.Value));

    /// <summary>p50 and p99 of the failover times (ms), or null if no leader or controller kill recovered.</summary>
    public (double P50, double P99)? FailoverPercentiles() => Percentiles(FailoverMs.Values);

    /// <summary>
    /// For a time t: the first acknowledgement among <paramref name="writes"/> sent at or after t
    /// (null if none was acknowledged), in O(log n) per t.
    /// </summary>
    private static Func<double, double?> FirstAcknowledgement(IEnumerable<WriteOp> writes)
    {
        var byInvoke = writes.OrderBy(w => w.InvokedMs).ToArray();
        var invoked = byInvoke.Select(w => w.InvokedMs).ToArray();
        // earliestAck[i]: the first acknowledgement among the writes sent at or after invoked[i].
        var earliestAck = new double[byInvoke.Length];
        for (var i = byInvoke.Length - 1; i >= 0; i--)
        {
            earliestAck[i] = i == byInvoke.Length - 1 ? byInvoke[i].CompletedMs : Math.Min(byInvoke[i].CompletedMs, earliestAck[i + 1]);
        }

        return at =>
        {
            var index = Array.BinarySearch(invoked, at);
            index = index < 0 ? ~index : index;
            return index < byInvoke.Length ? earliestAck[index] : null;
        };
    }

    private static (double P50, double P99)? Percentiles(IEnumerable<double?> values)
    {
        var times = values.Where(v => v is not null).Select(v => v!.Value).Order().ToArray();
        return times.Length == 0 ? null : (Percentile(times, 0.50), Percentile(times, 0.99));
    }

    /// <summary>Nearest rank of a sorted array; 0 for none.</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
