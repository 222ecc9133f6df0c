using FastLog.LoadTests.Machine;
using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Bench;

/// <summary>Everything one bench run measured; rendered as report.md, chart.svg and results.json.</summary>
internal sealed record BenchReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required bool Quick { get; init; }

    public required MachineLimits Limits { get; init; }

    public required ScenarioResult ProduceAcks1 { get; init; }

    public required ScenarioResult ProduceAcksAll { get; init; }

    /// <summary>The same two maxima with the wire client (<see cref="LoadClient.Wire"/>): the broker's own ceiling when the client takes little CPU.</summary>
    public required ScenarioResult ProduceAcks1Wire { get; init; }

    public required ScenarioResult ProduceAcksAllWire { get; init; }

    /// <summary>acks=all at a paced 25 % of <see cref="ProduceAcksAll"/>'s rate: the durable ack latency goal.</summary>
    public required ScenarioResult DurableLatency { get; init; }

    /// <summary>Tail latency runs at 25, 50 and 75 % of the acks=1 maximum rate.</summary>
    public required IReadOnlyList<LatencyRun> Latency { get; init; }

    /// <summary>The wire client paced at 25 % of its own acks=all maximum (<see cref="ProduceAcksAllWire"/>): durable ack latency without librdkafka's queues and CPU.</summary>
    public required ScenarioResult DurableLatencyWire { get; init; }

    /// <summary>The wire client's producer and consumer paced at 25 % of its own acks=1 maximum (<see cref="ProduceAcks1Wire"/>): tail latency of the broker with a client that leaves it the cores.</summary>
    public required LatencyRun LatencyWire { get; init; }

    public required ScenarioResult Fill { get; init; }

    /// <summary>Catch-up read of the large log with Confluent.Kafka, its segments evicted from the page cache first (read from disk).</summary>
    public required ScenarioResult CatchUp { get; init; }

    /// <summary>The same with the wire client, evicted first too.</summary>
    public required ScenarioResult CatchUpWire { get; init; }

    /// <summary>The wire client reading the log again at once, from the page cache as far as it holds the log: the broker's send path against the loopback limit.</summary>
    public required ScenarioResult CatchUpWireCached { get; init; }

    public required long LargeLogBytes { get; init; }

    public required TimeSpan CleanShutdown { get; init; }

    /// <summary>Process start until Metadata answered, on the filled data dir after a clean stop.</summary>
    public required TimeSpan CleanRestart { get; init; }

    /// <summary>Same after SIGKILL (recovery scan of the tail).</summary>
    public required TimeSpan UncleanRestart { get; init; }

    /// <summary>The broker's own "ready in" for those two starts (the rest is runtime start-up and the client's Metadata round trip).</summary>
    public required int? CleanRestartBrokerMs { get; init; }

    public required int? UncleanRestartBrokerMs { get; init; }

    public required long EmptyBrokerRssBytes { get; init; }

    public required int IdlePartitions { get; init; }

    public required long IdlePartitionsRssBytes { get; init; }

    /// <summary>Broker CPU (cores) with those partitions idle.</summary>
    public required double IdlePartitionsCores { get; init; }
}
