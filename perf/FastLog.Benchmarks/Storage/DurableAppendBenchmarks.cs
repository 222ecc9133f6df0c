using BenchmarkDotNet.Attributes;
using FastLog.Core;
using FastLog.Storage;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Benchmarks.Storage;

/// <summary>
/// Latency of one durable append (a 4 KiB batch, awaited until fdatasync covered it, one at a time:
/// no group commit to hide behind) against a bare O_DIRECT 4 KiB write + fdatasync loop on the same
/// filesystem (<see cref="WriteThenFdatasync"/>, baseline). Mean per operation; BenchmarkDotNet's
/// percentiles column gives the spread across iterations.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class DurableAppendBenchmarks
{
    private const int Operations = 200;

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fastlog-bench-durable-{Guid.NewGuid():N}");
    private ShardGroup? _group;
    private PartitionLog? _log;
    private SafeFileHandle? _raw;
    private AlignedBufferPool? _pool;
    private AlignedBuffer? _block;
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_root);
        _group = new ShardGroup(new ShardGroupOptions { ShardCount = 1 });
        _group.Start();
        _batch = BenchmarkBatches.Build(4096);
        _log = _group.RunAsync(0, () => PartitionLog.OpenAsync(Path.Combine(_root, "log"), new StorageOptions { Durability = DurabilityMode.Durable }))
            .GetAwaiter().GetResult();
        if (!NativeFile.TryOpenDirect(Path.Combine(_root, "raw"), NativeOpenFlags.ReadWrite | NativeOpenFlags.Create, out _raw))
        {
            throw new InvalidOperationException($"{_root} does not accept O_DIRECT.");
        }

        NativeFile.Allocate(_raw, 0, 64L << 20, NativeFile.FallocKeepSize);
        _pool = new AlignedBufferPool(((_batch.Length + 4095) / 4096) * 4096);
        _block = _pool.Rent();
        _batch.CopyTo(_block.Span);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void WriteThenFdatasync() => _group!.RunAsync(0, async () =>
    {
        var io = Shard.Current!.Io;
        for (var i = 0; i < Operations; i++)
        {
            await io.WriteAsync(_raw!, _block!.Memory, (long)i * _block.Length);
            await io.FdatasyncAsync(_raw!);
        }
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void DurableAppend() => _group!.RunAsync(0, async () =>
    {
        for (var i = 0; i < Operations; i++)
        {
            await _log!.AppendAsync(_batch);
        }
    }).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _group!.RunAsync(0, async () => await _log!.CloseAsync()).GetAwaiter().GetResult();
        _group.Dispose();
        _raw?.Dispose();
        _pool?.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
