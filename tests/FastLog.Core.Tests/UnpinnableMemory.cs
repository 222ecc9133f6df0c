using System.Buffers;

namespace FastLog.Core.Tests;

/// <summary>Memory whose Pin refuses, to make an <see cref="IoRing"/> submission fail half-way.</summary>
internal sealed class UnpinnableMemory : MemoryManager<byte>
{
    private readonly byte[] _bytes = new byte[4096];

    public override Span<byte> GetSpan() => _bytes;

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException("This memory cannot be pinned.");

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
