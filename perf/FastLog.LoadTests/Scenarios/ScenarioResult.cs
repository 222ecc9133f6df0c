namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// A finished scenario. Totals cover the measured window only (after warm-up): produce figures
/// from the end of warm-up until the producers finished, consume figures until the consumers
/// drained (tail) or caught up (catch-up).
/// </summary>
internal sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required ScenarioOptions Options { get; init; }

    public required int Partitions { get; init; }

    public required IReadOnlyList<IntervalStats> Intervals { get; init; }

    public required double ProduceSeconds { get; init; }

    public required double ConsumeSeconds { get; init; }

    public required long ProducedRecords { get; init; }

    public required long ProducedBytes { get; init; }

    public required long ConsumedRecords { get; init; }

    public required long ConsumedBytes { get; init; }

    public required long Errors { get; init; }

    public required LatencySummary Ack { get; init; }

    public required LatencySummary EndToEnd { get; init; }

    /// <summary>Broker utime+stime over the measured window (null without a broker process to sample).</summary>
    public double? BrokerCpuSeconds { get; init; }

    public long? BrokerPeakRssBytes { get; init; }

    /// <summary>CPU this process (the clients) used over the measured window: on a shared machine it competes with the broker.</summary>
    public double LoadGeneratorCpuSeconds { get; init; }

    /// <summary>Average cores used over the window: broker, and load generator.</summary>
    public double? BrokerCores => BrokerCpuSeconds / ConsumeSeconds;

    public double LoadGeneratorCores => ConsumeSeconds > 0 ? LoadGeneratorCpuSeconds / ConsumeSeconds : 0;

    public double ProduceMBps => ProduceSeconds > 0 ? ProducedBytes / ProduceSeconds / 1e6 : 0;

    public double ProduceRecordsPerSecond => ProduceSeconds > 0 ? ProducedRecords / ProduceSeconds : 0;

    public double ConsumeMBps => ConsumeSeconds > 0 ? ConsumedBytes / ConsumeSeconds / 1e6 : 0;

    /// <summary>Broker CPU-seconds per GB moved (produced, or fetched in catch-up).</summary>
    public double? BrokerCpuSecondsPerGB
    {
        get
        {
            long bytes = Options.CatchUp ? ConsumedBytes : ProducedBytes;
            return BrokerCpuSeconds is { } cpu && bytes > 0 ? cpu / (bytes / 1e9) : null;
        }
    }
}
