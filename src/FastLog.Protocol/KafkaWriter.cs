using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using FastLog.Records;

namespace FastLog.Protocol;

/// <summary>
/// Writer of Kafka's primitive types (big-endian) into a growable buffer rented from
/// <see cref="ArrayPool{T}.Shared"/>; one instance per connection is reused with
/// <see cref="Reset"/>. Not thread-safe: it belongs to the shard that owns the connection.
/// <para>
/// Besides encoded bytes the writer can hold splice points: <see cref="WriteExternal"/> records
/// that an external <see cref="IRecordsPayload"/> goes at the current position without copying
/// it. The frame is then the ordered list of <see cref="ResponseSegment"/>s from
/// <see cref="GetSegments"/>; <see cref="TotalLength"/> and <see cref="EndFrame"/> count the
/// external bytes so the 4-byte frame size is right before anything is sent.
/// </para>
/// <code>
///   buffer:   [size][header][...fetch fields...][len]|[...more fields...][len]|[...]
///   splices:                                         ^ payload A               ^ payload B
///   segments: encoded 0..a, external A, encoded a..b, external B, encoded b..end
/// </code>
/// </summary>
public sealed partial class KafkaWriter : IBufferWriter<byte>, IDisposable
{
    private readonly List<Splice> _splices = [];
    private byte[] _buffer;
    private int _length;
    private long _externalLength;

    public KafkaWriter(int initialCapacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));
    }

    /// <summary>Bytes encoded into the buffer (external payloads not included).</summary>
    public int Position => _length;

    /// <summary>Encoded bytes plus the lengths of every external payload: what goes on the wire.</summary>
    public long TotalLength => _length + _externalLength;

    public bool HasExternalPayloads => _splices.Count > 0;

    /// <summary>The encoded bytes; with external payloads present use <see cref="GetSegments"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Reset()
    {
        _length = 0;
        _externalLength = 0;
        _splices.Clear();
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Reset();
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _length))
            throw new ArgumentOutOfRangeException(nameof(count));
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }

    public void WriteInt8(sbyte value) => Take(1)[0] = (byte)value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Take(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Take(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Take(8), value);

    public void WriteBool(bool value) => Take(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteUuid(Guid value) => value.TryWriteBytes(Take(16), bigEndian: true, out _);

    public void WriteUnsignedVarInt(uint value) => _length += VarIntCodec.WriteUnsignedVarInt(GetSpan(VarIntCodec.MaxVarIntBytes), value);

    public void WriteVarInt(int value) => _length += VarIntCodec.WriteVarInt(GetSpan(VarIntCodec.MaxVarIntBytes), value);

    public void WriteVarLong(long value) => _length += VarIntCodec.WriteVarLong(GetSpan(VarIntCodec.MaxVarLongBytes), value);

    /// <summary>Writes a length prefix (N, or -1 for null) in the form <see cref="KafkaReader.ReadLength"/> reads.</summary>
    public void WriteLength(int length, bool compact, bool isString = false)
    {
        if (compact)
            WriteUnsignedVarInt((uint)(length + 1));
        else if (!isString)
            WriteInt32(length);
        else if (length <= short.MaxValue)
            WriteInt16((short)length);
        else
            throw new ProtocolException($"String of {length} bytes exceeds the int16 length of a non-compact string.");
    }

    public void WriteString(string value, bool compact) => WriteNullableString(value, compact);

    public void WriteNullableString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, isString: true);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteLength(byteCount, compact, isString: true);
        _length += Encoding.UTF8.GetBytes(value, GetSpan(byteCount));
    }

    public void WriteNullableBytes(ReadOnlySpan<byte> value, bool isNull, bool compact)
    {
        WriteLength(isNull ? -1 : value.Length, compact);
        WriteRaw(value);
    }

    public void WriteRaw(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    /// <summary>An empty tagged-field section (count 0), the common case in flexible versions.</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarInt(0);

    private Span<byte> Take(int count)
    {
        Ensure(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _length >= count)
            return;
        var needed = (long)_length + count;
        if (needed > Array.MaxLength)
            throw new ProtocolException($"Encoded message would exceed {Array.MaxLength} bytes.");
        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(needed, (long)_buffer.Length * 2), Array.MaxLength));
        _buffer.AsSpan(0, _length).CopyTo(grown);
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
