using FastLog.Core;

namespace FastLog.Storage.Write;

/// <summary>Sequential writer over a run of equally sized aligned buffers, as if they were one.</summary>
internal struct BufferWriter
{
    private readonly AlignedBuffer[] _buffers;
    private long _position;

    public BufferWriter(AlignedBuffer[] buffers)
    {
        _buffers = buffers;
    }

    public void Write(ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            var target = Current();
            var n = Math.Min(source.Length, target.Length);
            source[..n].CopyTo(target);
            source = source[n..];
            _position += n;
        }
    }

    /// <summary>Zero-fills from the current position up to <paramref name="end"/>.</summary>
    public void ZeroTo(long end)
    {
        while (_position < end)
        {
            var target = Current();
            var n = (int)Math.Min(end - _position, target.Length);
            target[..n].Clear();
            _position += n;
        }
    }

    private readonly Span<byte> Current()
    {
        var size = _buffers[0].Length;
        return _buffers[(int)(_position / size)].Span[(int)(_position % size)..];
    }
}
