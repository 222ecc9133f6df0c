namespace FastLog.LoadTests.Bench;

/// <summary>
/// The figures a replication run is compared by: flat-out produce throughput, and ack latency
/// (microseconds) at the paced load every setup is offered.
/// </summary>
internal sealed record ReplicationFigures(double ProduceMBps, double ProduceRecordsPerSecond, double AckP50, double AckP99)
{
    /// <summary>Each figure divided by <paramref name="baseline"/>'s (NaN where the baseline's is 0: nothing to compare with).</summary>
    public ReplicationFigures RatiosTo(ReplicationFigures baseline) => new(
        Ratio(ProduceMBps, baseline.ProduceMBps),
        Ratio(ProduceRecordsPerSecond, baseline.ProduceRecordsPerSecond),
        Ratio(AckP50, baseline.AckP50),
        Ratio(AckP99, baseline.AckP99));

    private static double Ratio(double value, double baseline) => baseline > 0 ? value / baseline : double.NaN;
}
