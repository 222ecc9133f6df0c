namespace FastLog.LoadTests.Scenarios;

/// <summary>One interval (step) of a run: what was produced, acknowledged and consumed in it, and its latencies.</summary>
internal sealed record IntervalStats(
    double StartSeconds,
    double Seconds,
    bool IsWarmup,
    long ProducedRecords,
    long ProducedBytes,
    long ConsumedRecords,
    long ConsumedBytes,
    LatencySummary Ack,
    LatencySummary EndToEnd,
    LatencySummary SendDelay,
    double? BrokerCpuSeconds,
    double LoadGeneratorCpuSeconds)
{
    public double ProduceMBps => ProducedBytes / Seconds / 1e6;

    public double ConsumeMBps => ConsumedBytes / Seconds / 1e6;
}
