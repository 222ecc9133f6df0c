#pragma warning disable CA2012 // appends are queued in a window, then each ValueTask is awaited once: that is the group commit being measured

using BenchmarkDotNet.Attributes;
using FastLog.Core;
using FastLog.Storage;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Benchmarks.Storage;

/// <summary>
/// Append throughput of a <see cref="PartitionLog"/> (1 KiB records in batches of
/// <see cref="BatchBytes"/>, up to 64 appends in flight, one fdatasync at the end) against the raw
/// disk: O_DIRECT sequential writes of the same bytes, in the same chunk size, into a preallocated
/// file on the same filesystem, also ending with one fdatasync (<see cref="RawDirectWrite"/>,
/// baseline). Each invocation writes <see cref="TotalBytes"/> into a fresh log / file.
/// Goal (issue 3): append ≥ 85 % of the raw rate, i.e. a ratio ≤ 1.18 in the Ratio column.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class PartitionAppendBenchmarks
{
    private const long TotalBytes = 128L << 20;
    private const int Window = 64;
    private const int RawInFlight = 8;

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fastlog-bench-append-{Guid.NewGuid():N}");
    private ShardGroup? _group;
    private byte[] _batch = [];
    private PartitionLog? _log;
    private SafeFileHandle? _raw;
    private AlignedBufferPool? _rawPool;
    private AlignedBuffer? _rawChunk;
    private int _iteration;

    [Params(16 * 1024, 64 * 1024, 1024 * 1024)]
    public int BatchBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _group = new ShardGroup(new ShardGroupOptions { ShardCount = 1 });
        _group.Start();
        _batch = BenchmarkBatches.Build(BatchBytes);
        Directory.CreateDirectory(_root);
        // The raw side writes the same bytes, padded to whole 4096-byte blocks as O_DIRECT requires.
        _rawPool = new AlignedBufferPool((_batch.Length + 4095) / 4096 * 4096);
        _rawChunk = _rawPool.Rent();
        _batch.CopyTo(_rawChunk.Span);
    }

    [IterationSetup(Target = nameof(Append))]
    public void OpenLog()
    {
        var directory = Path.Combine(_root, $"log-{_iteration++}");
        _log = _group!.RunAsync(0, () => PartitionLog.OpenAsync(directory, new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromSeconds(10) }))
            .GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(Append))]
    public void CloseLog()
    {
        _group!.RunAsync(0, async () => await _log!.CloseAsync()).GetAwaiter().GetResult();
        Directory.Delete(_log!.Directory, recursive: true);
    }

    [IterationSetup(Target = nameof(RawDirectWrite))]
    public void OpenRawFile()
    {
        var path = Path.Combine(_root, $"raw-{_iteration++}");
        if (!NativeFile.TryOpenDirect(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create, out _raw))
        {
            throw new InvalidOperationException($"{_root} does not accept O_DIRECT.");
        }

        NativeFile.Allocate(_raw, 0, TotalBytes + BatchBytes, NativeFile.FallocKeepSize);
    }

    [IterationCleanup(Target = nameof(RawDirectWrite))]
    public void CloseRawFile() => _raw!.Dispose();

    [Benchmark(Baseline = true)]
    public void RawDirectWrite()
    {
        _group!.RunAsync(0, async () =>
        {
            var io = Shard.Current!.Io;
            var chunk = _rawChunk!.Memory;
            var inFlight = new Queue<ValueTask<int>>();
            for (long position = 0; position < TotalBytes; position += chunk.Length)
            {
                inFlight.Enqueue(io.WriteAsync(_raw!, chunk, position));
                if (inFlight.Count == RawInFlight)
                {
                    await inFlight.Dequeue();
                }
            }

            while (inFlight.Count > 0)
            {
                await inFlight.Dequeue();
            }

            await io.FdatasyncAsync(_raw!);
        }).GetAwaiter().GetResult();
    }

    [Benchmark]
    public void Append()
    {
        _group!.RunAsync(0, async () =>
        {
            var log = _log!;
            var inFlight = new Queue<ValueTask<AppendResult>>();
            for (long written = 0; written < TotalBytes; written += _batch.Length)
            {
                inFlight.Enqueue(log.AppendAsync(_batch));
                if (inFlight.Count == Window)
                {
                    await inFlight.Dequeue();
                }
            }

            while (inFlight.Count > 0)
            {
                await inFlight.Dequeue();
            }

            await log.FlushAsync();
        }).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _group?.Dispose();
        _rawPool?.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
