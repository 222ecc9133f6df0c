using System.Runtime.InteropServices;

namespace FastLog.Core;

/// <summary>
/// Pool of equally sized, 4096-aligned, pre-touched native buffers for O_DIRECT I/O.
/// <para>Why pre-touched: the first write to a fresh page faults (~20 µs here); buffers are
/// zero-filled when allocated, so renting one on the hot path never faults.</para>
/// <para>Threading: NOT thread-safe, by design — one pool per shard (<see cref="Shard.Buffers"/>),
/// used only on that shard's thread, so rent/return are a plain stack pop/push with no
/// synchronization. A pool that runs dry allocates (and touches) a new buffer; buffers are never
/// freed until <see cref="Dispose"/>.</para>
/// </summary>
public sealed unsafe class AlignedBufferPool : IDisposable
{
    /// <summary>Alignment (and size granularity) of every buffer: the page and O_DIRECT block size.</summary>
    public const int Alignment = 4096;

    private readonly Stack<AlignedBuffer> _free = new();
    private readonly List<AlignedBuffer> _all = [];
    private bool _disposed;

    /// <param name="bufferSize">Bytes per buffer, rounded up to a multiple of 4096.</param>
    /// <param name="preallocate">Buffers allocated and touched now, so the first rents are free.</param>
    public AlignedBufferPool(int bufferSize, int preallocate = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfNegative(preallocate);
        BufferSize = checked((bufferSize + Alignment - 1) & ~(Alignment - 1));
        for (int i = 0; i < preallocate; i++)
        {
            var buffer = Allocate();
            _free.Push(buffer);
        }
    }

    public int BufferSize { get; }

    /// <summary>Buffers owned by the pool (rented or not).</summary>
    public int Allocated => _all.Count;

    /// <summary>Buffers ready to rent without allocating.</summary>
    public int Available => _free.Count;

    public AlignedBuffer Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = _free.Count > 0 ? _free.Pop() : Allocate();
        buffer.IsRented = true;
        return buffer;
    }

    public void Return(AlignedBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Pool != this || !buffer.IsRented)
        {
            throw new InvalidOperationException("Buffer is not rented from this pool (returned twice?).");
        }

        buffer.IsRented = false;
        if (!_disposed)
        {
            _free.Push(buffer);
        }
    }

    /// <summary>Frees every buffer's native memory. Buffers still rented must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _free.Clear();
        foreach (var buffer in _all)
        {
            NativeMemory.AlignedFree(buffer.Pointer);
        }
    }

    private AlignedBuffer Allocate()
    {
        byte* pointer = (byte*)NativeMemory.AlignedAlloc((nuint)BufferSize, Alignment);
        NativeMemory.Clear(pointer, (nuint)BufferSize); // pre-touch every page
        var buffer = new AlignedBuffer(this, pointer, BufferSize);
        _all.Add(buffer);
        return buffer;
    }
}
