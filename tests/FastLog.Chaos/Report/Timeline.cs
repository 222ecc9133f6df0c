using FastLog.Chaos.Faults;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Report;

/// <summary>The run second by second (acknowledged writes and their latency), and each fault's recovery time.</summary>
internal sealed class Timeline
{
    private Timeline(IReadOnlyList<Second> seconds, IReadOnlyDictionary<FaultEvent, double?> recovery)
    {
        Seconds = seconds;
        RecoveryMs = recovery;
    }

    /// <summary>Acknowledged writes completed in second <c>At</c> of the run, and the p50/p99 of their produce latency (ms).</summary>
    internal sealed record Second(int At, int Acknowledged, double P50Ms, double P99Ms);

    public IReadOnlyList<Second> Seconds { get; }

    /// <summary>
    /// Per fault: from its injection to the acknowledgement of the first write sent after it
    /// (the failover time: how long the system took writes for nothing); null if none was.
    /// </summary>
    public IReadOnlyDictionary<FaultEvent, double?> RecoveryMs { get; }

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
        var byInvoke = ok.OrderBy(w => w.InvokedMs).ToArray();
        var invoked = byInvoke.Select(w => w.InvokedMs).ToArray();
        // earliestAck[i]: the first acknowledgement among the writes sent at or after invoked[i].
        var earliestAck = new double[byInvoke.Length];
        for (var i = byInvoke.Length - 1; i >= 0; i--)
        {
            earliestAck[i] = i == byInvoke.Length - 1 ? byInvoke[i].CompletedMs : Math.Min(byInvoke[i].CompletedMs, earliestAck[i + 1]);
        }

        var recovery = history.Faults.ToDictionary(f => f, f =>
        {
            var index = Array.BinarySearch(invoked, f.StartMs);
            index = index < 0 ? ~index : index;
            return index < byInvoke.Length ? earliestAck[index] - f.StartMs : (double?)null;
        });
        return new Timeline(seconds, recovery);
    }

    /// <summary>p50 and p99 of the recovery times of one kind of fault (ms), or null if none recovered.</summary>
    public (double P50, double P99)? RecoveryPercentiles(FaultKind kind)
    {
        var times = RecoveryMs.Where(r => r.Key.Kind == kind && r.Value is not null).Select(r => r.Value!.Value).Order().ToArray();
        return times.Length == 0 ? null : (Percentile(times, 0.50), Percentile(times, 0.99));
    }

    /// <summary>Nearest rank of a sorted array; 0 for none.</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
