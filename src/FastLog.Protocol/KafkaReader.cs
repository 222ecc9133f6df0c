using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using FastLog.Records;

namespace FastLog.Protocol;

/// <summary>
/// Forward-only, bounds-checked reader of Kafka's primitive types (all big-endian).
/// Every read checks the remaining bytes first, and every length prefix (string, bytes, array)
/// is validated against the remaining bytes BEFORE anything is allocated, so a hostile frame can
/// neither read out of bounds nor make the decoder allocate more than a small multiple of the
/// frame's own size. All malformed input surfaces as <see cref="ProtocolException"/>.
/// <para>
/// Length prefixes, as Kafka defines them (N = number of bytes or elements, null = absent):
/// <code>
///   STRING / NULLABLE_STRING          int16  N      (-1 = null)
///   BYTES / NULLABLE_BYTES / ARRAY    int32  N      (-1 = null)
///   COMPACT_* (flexible versions)     uvarint N+1   (0 = null)
/// </code>
/// </para>
/// Constructed over <see cref="ReadOnlyMemory{T}"/>, the reader can hand out slices of the frame
/// without copying (<see cref="ReadRecords"/>); over a bare span it copies those instead.
/// </summary>
public ref struct KafkaReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly bool _hasMemory;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> buffer)
    {
        _memory = buffer;
        _buffer = buffer.Span;
        _hasMemory = true;
    }

    public KafkaReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>Kafka's BOOLEAN: one byte, any non-zero value is true.</summary>
    public bool ReadBool() => Take(1)[0] != 0;

    /// <summary>Kafka's UUID: 16 bytes, most significant first (the order of its text form).</summary>
    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    /// <summary>UNSIGNED_VARINT (<see cref="VarIntCodec"/>): at most 5 bytes for 32 bits.</summary>
    public uint ReadUnsignedVarInt()
    {
        var status = VarIntCodec.ReadUnsignedVarInt(_buffer[_position..], out var value, out var length);
        Consume(status, length, "Unsigned varint does not fit in 32 bits.");
        return value;
    }

    /// <summary>VARINT: zigzag-encoded signed 32-bit value.</summary>
    public int ReadVarInt()
    {
        var status = VarIntCodec.ReadVarInt(_buffer[_position..], out var value, out var length);
        Consume(status, length, "Unsigned varint does not fit in 32 bits.");
        return value;
    }

    /// <summary>VARLONG: zigzag-encoded signed 64-bit value, at most 10 bytes.</summary>
    public long ReadVarLong()
    {
        var status = VarIntCodec.ReadVarLong(_buffer[_position..], out var value, out var length);
        Consume(status, length, "Varlong does not fit in 64 bits.");
        return value;
    }

    /// <summary>
    /// Reads a length prefix in the form Kafka uses for the given type and returns N, or -1 for null.
    /// N is checked against the remaining bytes (each element takes at least
    /// <paramref name="minElementSize"/> bytes) so callers can allocate N safely.
    /// </summary>
    public int ReadLength(bool compact, bool isString = false, int minElementSize = 1)
    {
        long length;
        if (compact)
            length = (long)ReadUnsignedVarInt() - 1;
        else
            length = isString ? ReadInt16() : ReadInt32();

        if (length < -1)
            throw new ProtocolException($"Negative length {length}.");
        if (length > 0 && length > Remaining / minElementSize)
            throw new ProtocolException($"Length {length} exceeds the {Remaining} remaining byte(s).");
        return (int)length;
    }

    public string ReadString(bool compact) =>
        ReadNullableString(compact) ?? throw new ProtocolException("Null in a non-nullable string.");

    public string? ReadNullableString(bool compact)
    {
        var length = ReadLength(compact, isString: true);
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public byte[] ReadBytes(bool compact) =>
        ReadNullableBytes(compact) ?? throw new ProtocolException("Null in non-nullable bytes.");

    public byte[]? ReadNullableBytes(bool compact)
    {
        var length = ReadLength(compact);
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>
    /// Reads nullable RECORDS bytes as a slice of the frame (no copy) when the reader was built
    /// over memory, else as a copy. The slice is valid only while the frame's buffer is.
    /// </summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact)
    {
        var length = ReadLength(compact);
        if (length < 0)
            return null;
        if (!_hasMemory)
            return Take(length).ToArray();
        var start = _position;
        Take(length);
        return _memory.Slice(start, length);
    }

    /// <summary>Skips a tagged-field section: uvarint count, then (uvarint tag, uvarint size, bytes) each.</summary>
    public void SkipTaggedFields()
    {
        var count = ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            ReadUnsignedVarInt();
            Skip(ReadTaggedFieldSize());
        }
    }

    /// <summary>The uvarint size of one tagged field's value, checked against the remaining bytes.</summary>
    public int ReadTaggedFieldSize()
    {
        var size = ReadUnsignedVarInt();
        if (size > (uint)Remaining)
            throw new ProtocolException($"Tagged field of {size} byte(s) exceeds the {Remaining} remaining.");
        return (int)size;
    }

    public void Skip(int count) => Take(count);

    /// <summary>Moves past a varint <see cref="VarIntCodec"/> read, or throws what a malformed one means here.</summary>
    private void Consume(OperationStatus status, int length, string overflow)
    {
        switch (status)
        {
            case OperationStatus.Done:
                _position += length;
                return;
            case OperationStatus.NeedMoreData:
                // The varint ran past the end: one more byte was needed and none was left.
                throw ProtocolException.Truncated(1, 0);
            default:
                throw new ProtocolException(overflow);
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
            throw ProtocolException.Truncated(count, Remaining);
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
