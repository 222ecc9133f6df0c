namespace FastLog.LoadTests.Bench;

/// <summary>What `bench` runs: sizes and durations for the quick (~smoke) or the full run.</summary>
internal sealed record BenchOptions
{
    public required string BrokerDll { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Where the broker's data directories and the disk probes go (same disk as a real data dir).</summary>
    public required string WorkDirectory { get; init; }

    public bool Quick { get; init; }

    public int Partitions { get; init; } = 4;

    public int RecordSize { get; init; } = 1024;

    public int Producers { get; init; } = 2;

    public int Consumers { get; init; } = 2;

    public TimeSpan Warmup => TimeSpan.FromSeconds(Quick ? 2 : 5);

    public TimeSpan ThroughputDuration => TimeSpan.FromSeconds(Quick ? 5 : 30);

    public TimeSpan LatencyDuration => TimeSpan.FromSeconds(Quick ? 3 : 30);

    public TimeSpan ProbeDuration => TimeSpan.FromSeconds(Quick ? 1 : 5);

    public long DiskProbeBytesPerStream => Quick ? 256L << 20 : 2L << 30;

    /// <summary>Log size for the catch-up read and the restart time.</summary>
    public long LargeLogBytes => Quick ? 1L << 30 : 10L << 30;

    public int IdlePartitions { get; init; } = 1000;

    public static BenchOptions Parse(Dictionary<string, string> args) => new()
    {
        BrokerDll = args.TryGetValue("broker", out var dll) ? dll : throw new ArgumentException("--broker PATH/fastlog.dll is required"),
        OutputDirectory = args.TryGetValue("out", out var output) ? output : Path.Combine("artifacts", "bench", DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)),
        WorkDirectory = args.TryGetValue("work-dir", out var work) ? work : Path.GetTempPath(),
        Quick = args.ContainsKey("quick"),
        Partitions = CommandLine.Int(args, "partitions", 4),
        RecordSize = CommandLine.Int(args, "record-size", 1024),
        Producers = CommandLine.Int(args, "producers", 2),
        Consumers = CommandLine.Int(args, "consumers", 2),
    };
}
