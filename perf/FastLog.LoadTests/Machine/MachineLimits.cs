using FastLog.LoadTests.Scenarios;
using FastLog.Storage.Probes;

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

    /// <summary>O_DIRECT sequential read of what the write probe wrote, the faster of 1 and 2 streams (MB/s); null when O_DIRECT is refused.</summary>
    public required double? DiskReadMBps { get; init; }

    public required double LoopbackMBps { get; init; }

    /// <summary>4 KiB write + fdatasync latency.</summary>
    public required LatencySummary Sync { get; init; }

    public double DiskWriteMBps => Math.Max(DiskWriteMBps1 ?? 0, DiskWriteMBps2 ?? 0);

    /// <summary>What produce throughput is judged against: min(disk write limit, loopback limit).</summary>
    public double ProduceLimitMBps => DiskWriteMBps > 0 ? Math.Min(DiskWriteMBps, LoopbackMBps) : LoopbackMBps;

    /// <summary>What a catch-up of a log that is not in the page cache is also judged against: min(disk read limit, loopback limit).</summary>
    public double ColdReadLimitMBps => DiskReadMBps is > 0 and var read ? Math.Min(read, LoopbackMBps) : LoopbackMBps;

    public static MachineLimits Measure(string directory, int diskBlockBytes, long diskBytesPerStream, TimeSpan probeDuration, TextWriter progress)
    {
        progress.WriteLine($"[limits] disk: O_DIRECT sequential write then read, {diskBlockBytes >> 10} KiB blocks, {diskBytesPerStream >> 20} MiB per stream");
        var disk1 = DiskProbe.Measure(directory, diskBlockBytes, diskBytesPerStream, streams: 1);
        var disk2 = DiskProbe.Measure(directory, diskBlockBytes, diskBytesPerStream, streams: 2);
        progress.WriteLine($"[limits] disk write {disk1?.WriteMBps:F0} MB/s (1 stream), {disk2?.WriteMBps:F0} MB/s (2 streams); read {disk1?.ReadMBps:F0} / {disk2?.ReadMBps:F0} MB/s; loopback TCP for {probeDuration.TotalSeconds:F0} s");
        var loopback = LoopbackProbe.Measure(probeDuration);
        progress.WriteLine($"[limits] loopback {loopback:F0} MB/s; 4 KiB write+fdatasync for {probeDuration.TotalSeconds:F0} s");
        var histogram = ScenarioMeter.NewHistogram();
        SyncLatencyProbe.Measure(directory, probeDuration, histogram.RecordValue);
        var sync = LatencySummary.From(histogram);
        progress.WriteLine($"[limits] fdatasync p50 {sync.P50:F0} us p99 {sync.P99:F0} us max {sync.Max:F0} us");
        return new MachineLimits
        {
            Description = MachineDescription.Describe(directory),
            DiskBlockBytes = diskBlockBytes,
            DiskWriteMBps1 = disk1?.WriteMBps,
            DiskWriteMBps2 = disk2?.WriteMBps,
            DiskReadMBps = disk1 is null || disk2 is null ? null : Math.Max(disk1.Value.ReadMBps, disk2.Value.ReadMBps),
            LoopbackMBps = loopback,
            Sync = sync,
        };
    }
}
