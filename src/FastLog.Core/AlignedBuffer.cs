using System.Buffers;

namespace FastLog.Core;

/// <summary>
/// A 4096-aligned block of native memory from an <see cref="AlignedBufferPool"/>, usable for
/// O_DIRECT I/O. It is a <see cref="MemoryManager{T}"/> so <see cref="MemoryManager{T}.Memory"/> can be handed to
/// <see cref="IoRing"/> or <see cref="RandomAccess"/> without pinning costs. Disposing it (or
/// <see cref="AlignedBufferPool.Return"/>) gives it back to its pool; the native memory is freed
/// only when the pool is disposed. Same threading rule as its pool.
/// </summary>
public sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    internal AlignedBuffer(AlignedBufferPool pool, byte* pointer, int length)
    {
        Pool = pool;
        Pointer = pointer;
        Length = length;
    }

    /// <summary>Start of the block; 4096-aligned.</summary>
    public byte* Pointer { get; }

    /// <summary>Size in bytes; a multiple of 4096.</summary>
    public int Length { get; }

    public Span<byte> Span => new(Pointer, Length);

    internal AlignedBufferPool Pool { get; }

    /// <summary>True while rented (between Rent and Return).</summary>
    internal bool IsRented { get; set; }

    public override Span<byte> GetSpan() => Span;

    /// <summary>Native memory never moves: the handle only carries the address.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, Length);
        return new MemoryHandle(Pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && IsRented)
        {
            Pool.Return(this);
        }
    }
}
