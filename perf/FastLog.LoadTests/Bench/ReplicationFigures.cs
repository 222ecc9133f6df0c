namespace FastLog.LoadTests.Bench;

/// <summary>
/// The figures a replication run is compared by: flat-out produce throughput, the brokers' CPU
/// (CPU-seconds summed over every broker, per GB produced, in that flat-out run: on one machine the
/// cost of replication, whatever the cores the brokers share), and ack latency (microseconds) at
/// the paced load every setup is offered.
/// </summary>
internal sealed record ReplicationFigures(double ProduceMBps, double ProduceRecordsPerSecond, double CpuSecondsPerGB, double AckP50, double AckP99)
{
    /// <summary>Each figure divided by <paramref name="baseline"/>'s (NaN where the baseline's is 0: nothing to compare with).</summary>
    public ReplicationFigures RatiosTo(ReplicationFigures baseline) => new(
        Ratio(ProduceMBps, baseline.ProduceMBps),
        Ratio(ProduceRecordsPerSecond, baseline.ProduceRecordsPerSecond),
        Ratio(CpuSecondsPerGB, baseline.CpuSecondsPerGB),
        Ratio(AckP50, baseline.AckP50),
        Ratio(AckP99, baseline.AckP99));

    private static double Ratio(double value, double baseline) => baseline > 0 ? value / baseline : double.NaN;
}
