namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// One scenario in the spirit of the OpenMessaging Benchmark: one topic of N partitions,
/// fixed-size records, P producers and C consumers, a load simulation, a warm-up and a measured
/// duration cut into intervals of <see cref="Interval"/> (the per-step statistics).
/// </summary>
internal sealed record ScenarioOptions
{
    public string Name { get; init; } = "scenario";

    public string BootstrapServers { get; init; } = "127.0.0.1:9092";

    public string Topic { get; init; } = "bench";

    /// <summary>Partitions to create the topic with; a broker without CreateTopics auto-creates it with its own default.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>Replicas per partition the topic is created with (a cluster's brokers; 1 on a single node).</summary>
    public short ReplicationFactor { get; init; } = 1;

    /// <summary>The topic's min.insync.replicas (acks=all needs that many in-sync copies); null: the broker's default.</summary>
    public int? MinInSyncReplicas { get; init; }

    /// <summary>Value bytes per record (the first 8 carry the send timestamp); at least 8.</summary>
    public int RecordSize { get; init; } = 1024;

    public int Producers { get; init; } = 1;

    /// <summary>Consumers tailing the topic (end-to-end latency); 0 measures producing only.</summary>
    public int Consumers { get; init; } = 1;

    public LoadSimulation Load { get; init; } = LoadSimulation.InFlight;

    /// <summary>Records per second across all producers (Inject, and the end rate of Ramp).</summary>
    public double Rate { get; init; }

    /// <summary>Start rate of a Ramp.</summary>
    public double RampFromRate { get; init; }

    /// <summary>Unacknowledged records allowed across all producers (InFlight).</summary>
    public int InFlight { get; init; } = 20_000;

    /// <summary>-1 (all: durable) or 1 (leader written).</summary>
    public int Acks { get; init; } = 1;

    /// <summary>librdkafka linger.ms: 0 for latency runs, a few ms for throughput runs.</summary>
    public double LingerMs { get; init; } = 5;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop producing once this many bytes were produced (after warm-up); 0 = no limit.</summary>
    public long MaxBytes { get; init; }

    /// <summary>The client library of producers and consumers.</summary>
    public LoadClient Client { get; init; } = LoadClient.Confluent;

    /// <summary>
    /// Wire client: record bytes per produce request (closed model: one batch for one partition;
    /// open model: the most records one request carries); librdkafka cuts its batches by
    /// <see cref="LingerMs"/> instead.
    /// </summary>
    public int BatchBytes { get; init; } = 256 << 10;

    /// <summary>Catch-up: no producers; consumers read the topic from its start to the end offsets seen at start.</summary>
    public bool CatchUp { get; init; }

    /// <summary>Producers stop at <paramref name="stopAt"/> (a Stopwatch timestamp) or once <see cref="MaxBytes"/> were produced.</summary>
    public bool ProducingDone(long now, long stopAt, long producedBytes) => now >= stopAt || (MaxBytes > 0 && producedBytes >= MaxBytes);

    public void Validate()
    {
        if (RecordSize < RecordStamp.Size)
        {
            throw new ArgumentException($"record size must be >= {RecordStamp.Size}, not {RecordSize}");
        }

        if (Partitions < 1 || ReplicationFactor < 1 || Producers < 0 || Consumers < 0 || InFlight < 1)
        {
            throw new ArgumentException("partitions, replication factor, in-flight >= 1; producers, consumers >= 0");
        }

        if (MinInSyncReplicas is { } minInSync && (minInSync < 1 || minInSync > ReplicationFactor))
        {
            throw new ArgumentException($"min.insync.replicas must be 1 to the replication factor ({ReplicationFactor}), not {minInSync}");
        }

        if (Acks is not (1 or -1))
        {
            throw new ArgumentException($"acks must be 1 or -1 (all), not {Acks}");
        }

        if (Load is LoadSimulation.Inject or LoadSimulation.Ramp && Rate <= 0 && !CatchUp)
        {
            throw new ArgumentException($"{Load} needs a rate > 0");
        }

        if (BatchBytes < RecordSize)
        {
            throw new ArgumentException($"batch bytes ({BatchBytes}) must hold at least one record ({RecordSize})");
        }

        if (CatchUp && Consumers < 1)
        {
            throw new ArgumentException("catch-up needs at least one consumer");
        }
    }
}
