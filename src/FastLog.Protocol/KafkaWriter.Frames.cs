using System.Buffers.Binary;
using FastLog.Records;

namespace FastLog.Protocol;

/// <summary>Length prefixes patched after the fact, splice points and the segment view of a frame.</summary>
public sealed partial class KafkaWriter
{
    /// <summary>Reserves 4 bytes (e.g. the frame size) to fill in later with <see cref="PatchInt32"/>; returns their position.</summary>
    public int ReserveInt32()
    {
        var position = _length;
        WriteInt32(0);
        return position;
    }

    public void PatchInt32(int position, int value)
    {
        if ((uint)position > (uint)(_length - 4))
            throw new ArgumentOutOfRangeException(nameof(position));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(position, 4), value);
    }

    /// <summary>Starts a frame: reserves its 4-byte size. Pair with <see cref="EndFrame"/>.</summary>
    public int BeginFrame() => ReserveInt32();

    /// <summary>
    /// Patches the size reserved by <see cref="BeginFrame"/> with the number of bytes that follow
    /// it on the wire, external payloads included.
    /// </summary>
    public void EndFrame(int framePosition)
    {
        var size = LengthSince(framePosition + 4);
        if (size > int.MaxValue)
            throw new ProtocolException($"Frame of {size} bytes exceeds the int32 size prefix.");
        PatchInt32(framePosition, (int)size);
    }

    /// <summary>Bytes on the wire from <paramref name="position"/> to the end, external payloads included.</summary>
    public long LengthSince(int position)
    {
        long external = 0;
        foreach (var splice in _splices)
        {
            if (splice.Offset >= position)
                external += splice.Payload.Length;
        }

        return _length - position + external;
    }

    /// <summary>
    /// Records that <paramref name="payload"/>'s bytes go here on the wire without copying them.
    /// The caller has already written the length prefix.
    /// </summary>
    public void WriteExternal(IRecordsPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length == 0)
            return;
        _splices.Add(new Splice(_length, payload));
        _externalLength += payload.Length;
    }

    /// <summary>
    /// Inserts an unsigned varint at <paramref name="position"/>, shifting what follows: how a
    /// tagged field gets its size prefix once its value is written. The shifted range must not
    /// contain a splice point (tagged fields never hold records).
    /// </summary>
    public void InsertUnsignedVarInt(int position, uint value)
    {
        if ((uint)position > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(position));
        if (_splices.Count > 0 && _splices[^1].Offset > position)
            throw new InvalidOperationException("Cannot shift bytes across an external payload.");
        Span<byte> prefix = stackalloc byte[VarIntCodec.MaxVarIntBytes];
        var size = VarIntCodec.WriteUnsignedVarInt(prefix, value);
        Ensure(size);
        _buffer.AsSpan(position, _length - position).CopyTo(_buffer.AsSpan(position + size));
        prefix[..size].CopyTo(_buffer.AsSpan(position));
        _length += size;
    }

    /// <summary>The frame in send order: encoded ranges interleaved with external payloads.</summary>
    public void GetSegments(List<ResponseSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var start = 0;
        foreach (var splice in _splices)
        {
            if (splice.Offset > start)
                segments.Add(ResponseSegment.FromEncoded(_buffer.AsMemory(start, splice.Offset - start)));
            segments.Add(ResponseSegment.FromExternal(splice.Payload));
            start = splice.Offset;
        }

        if (_length > start)
            segments.Add(ResponseSegment.FromEncoded(_buffer.AsMemory(start, _length - start)));
    }

    private readonly record struct Splice(int Offset, IRecordsPayload Payload);
}
