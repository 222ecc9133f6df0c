#pragma warning disable CA2012 // a batch of write ValueTasks is queued, then each is awaited once: that is io_uring batching

using BenchmarkDotNet.Attributes;
using FastLog.Core;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Benchmarks.Core;

/// <summary>
/// O_DIRECT writes of <see cref="FileBytes"/> into a preallocated, already written file (so both
/// sides overwrite in place and no extent conversion is measured), in <see cref="ChunkSize"/>
/// chunks from the same 4096-aligned buffers through the same O_DIRECT descriptor.
/// <see cref="RandomAccessWrite"/> (baseline): a synchronous <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>
/// loop on the benchmark thread, one pwrite at a time. <see cref="IoRingBatched"/>: on a shard,
/// up to <see cref="InFlight"/> writes in flight, queued in loop turns and submitted by one
/// io_uring_enter per turn. Times are per invocation (the whole file).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class DirectWriteBenchmarks : IDisposable
{
    private const long FileBytes = 64L << 20;
    private const int InFlight = 8;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlog-bench-{Guid.NewGuid():N}.dat");
    private ShardGroup? _group;
    private SafeFileHandle? _file;
    private AlignedBuffer[] _buffers = [];

    [Params(64 * 1024, 1024 * 1024)]
    public int ChunkSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _group = new ShardGroup(new ShardGroupOptions { ShardCount = 1, BufferSize = ChunkSize, PreallocatedBuffers = InFlight });
        _group.Start();
        if (!NativeFile.TryOpenDirect(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create, out _file))
        {
            throw new InvalidOperationException($"{Path.GetTempPath()} does not accept O_DIRECT.");
        }

        NativeFile.Allocate(_file, 0, FileBytes);
        _buffers = _group.RunAsync(0, () =>
        {
            var pool = Shard.Current!.Buffers;
            var buffers = new AlignedBuffer[InFlight];
            for (int i = 0; i < buffers.Length; i++)
            {
                buffers[i] = pool.Rent();
                Random.Shared.NextBytes(buffers[i].Span);
            }

            return ValueTask.FromResult(buffers);
        }).GetAwaiter().GetResult();
        RandomAccessWrite(); // turn the preallocated (unwritten) extents into written ones
        NativeFile.DataSync(_file);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _file?.Dispose();
        _group?.Dispose(); // frees the buffers with the shard's pool
        File.Delete(_path);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public long RandomAccessWrite()
    {
        long offset = 0;
        for (int i = 0; offset < FileBytes; i++, offset += ChunkSize)
        {
            RandomAccess.Write(_file!, _buffers[i % InFlight].Span, offset);
        }

        return offset;
    }

    [Benchmark]
    public long IoRingBatched() => _group!.RunAsync(0, async () =>
    {
        // A sliding window: the first InFlight writes go out in one io_uring_enter; each completion
        // (awaited in order) queues the next chunk from the buffer it freed, so the device always
        // has up to InFlight writes and the shard submits whatever completed in the same turn.
        var io = Shard.Current!.Io;
        var writes = new ValueTask<int>[InFlight];
        long chunks = FileBytes / ChunkSize;
        for (int i = 0; i < InFlight; i++)
        {
            writes[i] = io.WriteAsync(_file!, _buffers[i].Memory, (long)i * ChunkSize);
        }

        long written = 0;
        for (long chunk = 0; chunk < chunks; chunk++)
        {
            int slot = (int)(chunk % InFlight);
            written += await writes[slot];
            long next = chunk + InFlight;
            if (next < chunks)
            {
                writes[slot] = io.WriteAsync(_file!, _buffers[slot].Memory, next * ChunkSize);
            }
        }

        return written;
    }).GetAwaiter().GetResult();
}
