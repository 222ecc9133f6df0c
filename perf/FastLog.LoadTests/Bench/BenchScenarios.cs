using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Bench;

/// <summary>The bench's scenario shapes (flat-out throughput, paced latency) sized by its options; shared by the single-node bench and the replication runs.</summary>
internal sealed class BenchScenarios(BenchOptions options)
{
    /// <summary>Closed model: 20,000 records in flight, linger 5 ms, the throughput runs' producers, no consumers.</summary>
    public ScenarioOptions Throughput(string name, string topic, int acks) => Base(name, topic) with
    {
        Load = LoadSimulation.InFlight,
        Acks = acks,
        Consumers = 0,
        LingerMs = 5,
        Duration = options.ThroughputDuration,
    };

    /// <summary>An open-model latency run: <paramref name="rate"/> records/s offered, linger 0, the latency runs' clients.</summary>
    public ScenarioOptions Paced(string name, string topic, double rate) => Base(name, topic) with
    {
        Load = LoadSimulation.Inject,
        Rate = rate,
        Producers = options.LatencyProducers,
        Consumers = options.LatencyConsumers,
        LingerMs = 0,
        Duration = options.LatencyDuration,
    };

    public ScenarioOptions Base(string name, string topic) => new()
    {
        Name = name,
        Topic = topic,
        Partitions = options.Partitions,
        RecordSize = options.RecordSize,
        Producers = options.Producers,
        Warmup = options.Warmup,
        Interval = options.Interval,
    };

    /// <summary>The same scenario on the wire client (<see cref="LoadClient.Wire"/>), as many producers and consumers.</summary>
    public static ScenarioOptions Wire(ScenarioOptions scenario) => scenario with { Client = LoadClient.Wire };
}
