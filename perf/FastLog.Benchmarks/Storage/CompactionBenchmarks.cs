#pragma warning disable CA2012 // the cleaning pass's task is kept and awaited once, after the appends it runs beside

using BenchmarkDotNet.Attributes;
using FastLog.Core;
using FastLog.Records;
using FastLog.Storage;
using FastLog.Storage.Compaction;

namespace FastLog.Benchmarks.Storage;

/// <summary>
/// The log cleaner's cost to its shard: appends of 1 KiB batches, one at a time (Interval mode, so
/// each waits only for its write: the latency most sensitive to a stalled shard), to a busy
/// partition while the shard is idle (<see cref="AppendsWhileIdle"/>, baseline) and while a cleaning
/// pass over 64 MiB of dirty keyed records (10,000 keys, 100-byte values) runs on the same shard
/// (<see cref="AppendsDuringCompaction"/>); and the pass alone (<see cref="CompactionPass"/>: 64 MiB
/// over its time is the cleaner's throughput). Each iteration cleans a fresh copy of the same dirty log.
/// BenchmarkDotNet gives the mean append time per run; the p50/p99 of single appends over all measured
/// runs are printed at the end (<see cref="Cleanup"/>), since a stall shows in the tail, not the mean.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class CompactionBenchmarks
{
    private const int Appends = 1_000;
    private const int Keys = 10_000;
    private const long DirtyBytes = 64L << 20;

    private static readonly StorageOptions TableOptions = new()
    {
        SegmentBytes = 4 << 20,
        RetentionAge = null,
        Durability = DurabilityMode.Interval,
        Compaction = new CompactionOptions { Backoff = TimeSpan.FromHours(1), OffsetMapBytes = 16 << 20 },
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fastlog-bench-compaction-{Guid.NewGuid():N}");
    private ShardGroup? _group;
    private PartitionLog? _busy;
    private PartitionLog? _table;
    private Task<bool>? _pass;
    private byte[] _batch = [];
    private int _iteration;
    private readonly Dictionary<string, List<double>> _latenciesByMethod = [];

    /// <summary>How many measured runs of <see cref="AppendsDuringCompaction"/> ended with the pass still running (all, or the comparison is void).</summary>
    public static int Overlapped { get; private set; }

    private string Template => Path.Combine(_root, "template");

    [GlobalSetup]
    public void Setup()
    {
        _group = new ShardGroup(new ShardGroupOptions { ShardCount = 1 });
        _group.Start();
        _batch = BenchmarkBatches.Build(1024);
        _busy = _group.RunAsync(0, () => PartitionLog.OpenAsync(Path.Combine(_root, "busy"), new StorageOptions { Durability = DurabilityMode.Interval, RetentionAge = null }))
            .GetAwaiter().GetResult();
        _group.RunAsync(0, async () =>
        {
            var table = await PartitionLog.OpenAsync(Template, TableOptions);
            var value = new byte[100];
            var key = 0;
            for (long written = 0; written < DirtyBytes;)
            {
                var records = new List<KeyValueRecord>(100);
                for (var i = 0; i < 100; i++, key++)
                {
                    records.Add(new KeyValueRecord(BitConverter.GetBytes(key % Keys), value));
                }

                var batch = new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }.Build(records);
                await table.AppendAsync(batch);
                written += batch.Length;
            }

            await table.CloseAsync();
        }).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void OpenDirtyCopy()
    {
        var copy = Path.Combine(_root, $"table-{_iteration++}");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(Template))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        _table = _group!.RunAsync(0, () => PartitionLog.OpenAsync(copy, TableOptions)).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public void AppendsWhileIdle() => _group!.RunAsync(0, () => AppendAsync(nameof(AppendsWhileIdle))).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Appends)]
    public void AppendsDuringCompaction() => _group!.RunAsync(0, async () =>
    {
        _pass = _table!.CompactNowAsync();
        await AppendAsync(nameof(AppendsDuringCompaction));
        Overlapped += _pass.IsCompleted ? 0 : 1;
    }).GetAwaiter().GetResult();

    [Benchmark]
    public bool CompactionPass() => _group!.RunAsync(0, () => new ValueTask<bool>(_table!.CompactNowAsync())).GetAwaiter().GetResult();

    [IterationCleanup]
    public void CloseCopy()
    {
        var table = _table!;
        _group!.RunAsync(0, async () =>
        {
            if (_pass is { } pass)
            {
                await pass;
            }

            await table.CloseAsync();
        }).GetAwaiter().GetResult();
        _pass = null;
        Directory.Delete(table.Directory, recursive: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// AppendsDuringCompaction: the cleaning pass was still running at the end of {Overlapped} run(s)");
        foreach (var (method, latencies) in _latenciesByMethod)
        {
            latencies.Sort();
            Console.WriteLine($"// {method}: {latencies.Count} appends, p50 {latencies[latencies.Count / 2]:F1} us, p99 {latencies[latencies.Count * 99 / 100]:F1} us, max {latencies[^1]:F1} us");
        }

        _group!.RunAsync(0, async () => await _busy!.CloseAsync()).GetAwaiter().GetResult();
        _group.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private List<double> Latencies(string method) =>
        _latenciesByMethod.TryGetValue(method, out var list) ? list : _latenciesByMethod[method] = [];

    /// <summary>The appends, each timed (warm-up runs included: the tail is what matters, and they are few).</summary>
    private async ValueTask AppendAsync(string method)
    {
        var latencies = Latencies(method);
        for (var i = 0; i < Appends; i++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            await _busy!.AppendAsync(_batch);
            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }
}
