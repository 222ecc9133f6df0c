using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Machine;

/// <summary>This machine's own limits, measured in the same run as the broker figures they judge.</summary>
internal sealed record MachineLimits
{
    public required string Description { get; init; }

    public required int DiskBlockBytes { get; init; }

    /// <summary>O_DIRECT sequential write, one stream (MB/s); null when O_DIRECT is refused.</summary>
    public required double? DiskWriteMBps1 { get; init; }

    /// <summary>Same with two parallel streams (two partitions on two shards).</summary>
    public required double? DiskWriteMBps2 { get; init; }

    public required double LoopbackMBps { get; init; }

    /// <summary>4 KiB write + fdatasync latency.</summary>
    public required LatencySummary Sync { get; init; }

    public double DiskWriteMBps => Math.Max(DiskWriteMBps1 ?? 0, DiskWriteMBps2 ?? 0);

    /// <summary>What produce throughput is judged against: min(disk write limit, loopback limit).</summary>
    public double ProduceLimitMBps => DiskWriteMBps > 0 ? Math.Min(DiskWriteMBps, LoopbackMBps) : LoopbackMBps;

    public static MachineLimits Measure(string directory, int diskBlockBytes, long diskBytesPerStream, TimeSpan probeDuration, TextWriter progress)
    {
        progress.WriteLine($"[limits] disk: O_DIRECT sequential write, {diskBlockBytes >> 10} KiB blocks, {diskBytesPerStream >> 20} MiB per stream");
        var disk1 = DiskWriteProbe.Measure(directory, diskBlockBytes, diskBytesPerStream, streams: 1);
        var disk2 = DiskWriteProbe.Measure(directory, diskBlockBytes, diskBytesPerStream, streams: 2);
        progress.WriteLine($"[limits] disk {disk1:F0} MB/s (1 stream), {disk2:F0} MB/s (2 streams); loopback TCP for {probeDuration.TotalSeconds:F0} s");
        var loopback = LoopbackProbe.Measure(probeDuration);
        progress.WriteLine($"[limits] loopback {loopback:F0} MB/s; 4 KiB write+fdatasync for {probeDuration.TotalSeconds:F0} s");
        var sync = SyncLatencyProbe.Measure(directory, probeDuration);
        progress.WriteLine($"[limits] fdatasync p50 {sync.P50:F0} us p99 {sync.P99:F0} us max {sync.Max:F0} us");
        return new MachineLimits
        {
            Description = MachineDescription.Describe(directory),
            DiskBlockBytes = diskBlockBytes,
            DiskWriteMBps1 = disk1,
            DiskWriteMBps2 = disk2,
            LoopbackMBps = loopback,
            Sync = sync,
        };
    }
}
