namespace FastLog.LoadTests.Bench;

/// <summary>What `bench` runs: sizes and durations for the quick (~45 s smoke) or the full (~9 min) run, or the replication runs.</summary>
internal sealed record BenchOptions
{
    public required string BrokerDll { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Where the broker's data directories and the disk probes go (same disk as a real data dir).</summary>
    public required string WorkDirectory { get; init; }

    public bool Quick { get; init; }

    /// <summary>`--replication`: instead of the single-node bench, what replication costs (<see cref="ReplicationRunner"/>).</summary>
    public bool Replication { get; init; }

    public int Partitions { get; init; } = 4;

    public int RecordSize { get; init; } = 1024;

    /// <summary>Producers of the throughput runs (max produce, fill): parallel Produce calls.</summary>
    public int Producers { get; init; } = 2;

    /// <summary>
    /// Producers and consumers of the latency runs. One of each holds the 25 % rate with the least
    /// CPU: every Confluent client adds its own librdkafka threads and wake-ups, which on a 2-core
    /// machine compete with the broker (two of each fell behind at the 25 % rate).
    /// </summary>
    public int LatencyProducers { get; init; } = 1;

    public int LatencyConsumers { get; init; } = 1;

    /// <summary>
    /// Consumers of the catch-up read, each on its own thread over a share of the partitions. One
    /// is the cheapest per byte here: 2 or 4 read no faster on 2 cores and cost more CPU.
    /// </summary>
    public int CatchUpConsumers { get; init; } = 1;

    public TimeSpan Warmup => TimeSpan.FromSeconds(Quick ? 0.5 : 5);

    /// <summary>The unmeasured first run that JIT-compiles broker and clients (each measured run has its own warm-up too).</summary>
    public TimeSpan JitWarmup => TimeSpan.FromSeconds(Quick ? 1 : 10);

    public TimeSpan ThroughputDuration => TimeSpan.FromSeconds(Quick ? 1.5 : 30);

    public TimeSpan LatencyDuration => TimeSpan.FromSeconds(Quick ? 1.5 : 30);

    /// <summary>Each measured phase of the replication runs (8 of them: ~3 min in all, ~1 min quick).</summary>
    public TimeSpan ReplicationDuration => TimeSpan.FromSeconds(Quick ? 3 : 10);

    /// <summary>Sampling step: quick runs are short, so they sample twice as often to keep a few steps per phase.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(Quick ? 0.5 : 1);

    public TimeSpan ProbeDuration => TimeSpan.FromSeconds(Quick ? 0.5 : 5);

    public long DiskProbeBytesPerStream => Quick ? 64L << 20 : 2L << 30;

    /// <summary>Log size for the catch-up read and the restart time.</summary>
    public long LargeLogBytes => Quick ? 256L << 20 : 10L << 30;

    /// <summary>How long the idle-partition figure waits for the broker to settle, before and after creating the partitions.</summary>
    public TimeSpan IdleSettle => TimeSpan.FromSeconds(Quick ? 0.5 : 3);

    public int IdlePartitions { get; init; } = 1000;

    public static BenchOptions Parse(Dictionary<string, string> args) => new()
    {
        BrokerDll = args.TryGetValue("broker", out var dll) ? dll : throw new ArgumentException("--broker PATH/fastlog.dll is required"),
        OutputDirectory = args.TryGetValue("out", out var output) ? output : Path.Combine("artifacts", "bench", DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)),
        WorkDirectory = args.TryGetValue("work-dir", out var work) ? work : Path.GetTempPath(),
        Quick = args.ContainsKey("quick"),
        Replication = args.ContainsKey("replication"),
        Partitions = CommandLine.Int(args, "partitions", 4),
        RecordSize = CommandLine.Int(args, "record-size", 1024),
        Producers = CommandLine.Int(args, "producers", 2),
        LatencyProducers = CommandLine.Int(args, "latency-producers", 1),
        LatencyConsumers = CommandLine.Int(args, "latency-consumers", 1),
        CatchUpConsumers = CommandLine.Int(args, "catch-up-consumers", 1),
    };
}
