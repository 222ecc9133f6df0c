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

    /// <summary>Records consumed from the end of warm-up until the producers finished (tail runs: did the consumers keep up?).</summary>
    public required long ConsumedWhileProducing { get; init; }

    public required long Errors { get; init; }

    public required LatencySummary Ack { get; init; }

    public required LatencySummary EndToEnd { get; init; }

    /// <summary>Open model: end-to-end latency from each record's due time (see <see cref="ScenarioMeter.ScheduledEndToEndLatency"/>).</summary>
    public required LatencySummary ScheduledEndToEnd { get; init; }

    /// <summary>Open model: how late the load generator handed records to the client (see <see cref="ScenarioMeter.SendDelay"/>).</summary>
    public required LatencySummary SendDelay { get; init; }

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

    /// <summary>The rate an Inject run asked for; null for other load simulations.</summary>
    public double? OfferedRecordsPerSecond => Options.Load == LoadSimulation.Inject && !Options.CatchUp ? Options.Rate : null;

    /// <summary>Why this run's latencies describe the load generator rather than the broker; empty when they do not (<see cref="LoadGeneratorCheck"/>).</summary>
    public IReadOnlyList<string> LoadGeneratorProblems => LoadGeneratorCheck.Problems(this);

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
