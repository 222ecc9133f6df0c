namespace FastLog.Protocol.Tests;

public sealed class KafkaReaderTests
{
    [Theory]
    // Unsigned varint boundaries: each 7-bit group adds a byte.
    [InlineData(0u, new byte[] { 0x00 })]
    [InlineData(1u, new byte[] { 0x01 })]
    [InlineData(127u, new byte[] { 0x7F })]
    [InlineData(128u, new byte[] { 0x80, 0x01 })]
    [InlineData(300u, new byte[] { 0xAC, 0x02 })]
    [InlineData(16383u, new byte[] { 0xFF, 0x7F })]
    [InlineData(16384u, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2097151u, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(268435455u, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(268435456u, new byte[] { 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(uint.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void UnsignedVarInt_EncodesAndDecodesBoundaries(uint value, byte[] expected)
    {
        using var writer = new KafkaWriter();
        writer.WriteUnsignedVarInt(value);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());

        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadUnsignedVarInt());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    // Zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3 ...
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void VarInt_UsesZigzag(int value, byte[] expected)
    {
        using var writer = new KafkaWriter();
        writer.WriteVarInt(value);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadVarInt());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(63L)]
    [InlineData(-64L)]
    [InlineData(64L)]
    [InlineData(int.MaxValue + 1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void VarLong_RoundTrips(long value)
    {
        using var writer = new KafkaWriter();
        writer.WriteVarLong(value);
        Assert.InRange(writer.Position, 1, 10);
        var reader = new KafkaReader(writer.WrittenMemory);
        Assert.Equal(value, reader.ReadVarLong());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void VarLong_MinValue_TakesTenBytes()
    {
        using var writer = new KafkaWriter();
        writer.WriteVarLong(long.MinValue);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x10 })] // 33 bits
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // 6 bytes
    [InlineData(new byte[] { 0x80 })] // truncated
    public void UnsignedVarInt_RejectsOverlongOrTruncated(byte[] bytes)
    {
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadUnsignedVarInt());
    }

    [Fact]
    public void VarLong_RejectsMoreThanTenBytes()
    {
        var bytes = Enumerable.Repeat((byte)0xFF, 10).Append((byte)0x01).ToArray();
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadVarLong());
        bytes = Enumerable.Repeat((byte)0xFF, 9).Append((byte)0x02).ToArray();
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadVarLong());
    }

    [Fact]
    public void FixedWidthIntegers_AreBigEndian()
    {
        using var writer = new KafkaWriter();
        writer.WriteInt8(-2);
        writer.WriteInt16(0x0102);
        writer.WriteUInt16(0xFFFE);
        writer.WriteInt32(0x01020304);
        writer.WriteUInt32(0xF1F2F3F4);
        writer.WriteInt64(0x0102030405060708);
        writer.WriteFloat64(1.5);
        writer.WriteBool(true);
        byte[] expected =
        [
            0xFE, 0x01, 0x02, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04, 0xF1, 0xF2, 0xF3, 0xF4,
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
            0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0x01,
        ];
        Assert.Equal(expected, writer.WrittenSpan.ToArray());

        var reader = new KafkaReader(expected);
        Assert.Equal(-2, reader.ReadInt8());
        Assert.Equal(0x0102, reader.ReadInt16());
        Assert.Equal(0xFFFE, reader.ReadUInt16());
        Assert.Equal(0x01020304, reader.ReadInt32());
        Assert.Equal(0xF1F2F3F4u, reader.ReadUInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.Equal(1.5, reader.ReadFloat64());
        Assert.True(reader.ReadBool());
    }

    [Fact]
    public void Bool_AnyNonZeroByteIsTrue()
    {
        var reader = new KafkaReader(new byte[] { 0x00, 0x02 });
        Assert.False(reader.ReadBool());
        Assert.True(reader.ReadBool());
    }

    [Fact]
    public void Uuid_IsSixteenBytesInTextOrder()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        using var writer = new KafkaWriter();
        writer.WriteUuid(id);
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), writer.WrittenSpan.ToArray());
        var reader = new KafkaReader(writer.WrittenMemory);
        Assert.Equal(id, reader.ReadUuid());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Strings_RoundTripInBothForms(bool compact)
    {
        using var writer = new KafkaWriter();
        writer.WriteString("", compact);
        writer.WriteString("héllo", compact);
        writer.WriteNullableString(null, compact);
        var reader = new KafkaReader(writer.WrittenMemory);
        Assert.Equal("", reader.ReadString(compact));
        Assert.Equal("héllo", reader.ReadString(compact));
        Assert.Null(reader.ReadNullableString(compact));
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Strings_LengthPrefixes_MatchKafkaForms()
    {
        using var writer = new KafkaWriter();
        writer.WriteString("ab", compact: false);
        writer.WriteNullableString(null, compact: false);
        writer.WriteString("ab", compact: true);
        writer.WriteNullableString(null, compact: true);
        Assert.Equal(new byte[] { 0, 2, (byte)'a', (byte)'b', 0xFF, 0xFF, 3, (byte)'a', (byte)'b', 0 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void NonCompactString_AtMaximumLength_RoundTrips_AndOneMoreIsRejected()
    {
        var max = new string('x', short.MaxValue);
        using var writer = new KafkaWriter();
        writer.WriteString(max, compact: false);
        var reader = new KafkaReader(writer.WrittenMemory);
        Assert.Equal(max, reader.ReadString(compact: false));
        Assert.Throws<ProtocolException>(() => writer.WriteString(max + "x", compact: false));
    }

    [Fact]
    public void NullInNonNullableString_IsRejected()
    {
        Assert.Throws<ProtocolException>(() => new KafkaReader(new byte[] { 0xFF, 0xFF }).ReadString(compact: false));
        Assert.Throws<ProtocolException>(() => new KafkaReader(new byte[] { 0x00 }).ReadString(compact: true));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })] // int16 -2
    [InlineData(new byte[] { 0x80, 0x00 })] // int16 min
    [InlineData(new byte[] { 0x00, 0x05, (byte)'a' })] // 5 claimed, 1 present
    public void String_NegativeOrExcessiveLength_IsRejected(byte[] bytes)
    {
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadNullableString(compact: false));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFE })] // -2
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })] // int.MaxValue, nothing follows
    public void Bytes_NegativeOrHugeLength_IsRejectedBeforeAllocating(byte[] bytes)
    {
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadNullableBytes(compact: false));
    }

    [Fact]
    public void CompactLength_LargerThanRemaining_IsRejected()
    {
        // uvarint 0xFFFFFFFF -> length 4294967294.
        var bytes = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadLength(compact: true));
    }

    [Fact]
    public void ArrayLength_ChecksElementSize()
    {
        // Two int32 elements need 8 bytes; only 4 remain.
        var bytes = new byte[] { 0, 0, 0, 2, 0, 0, 0, 1 };
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).ReadLength(compact: false, minElementSize: 4));
        var reader = new KafkaReader(bytes);
        Assert.Equal(2, reader.ReadLength(compact: false, minElementSize: 2));
    }

    [Fact]
    public void Truncated_FixedWidthReads_Throw()
    {
        Assert.Throws<ProtocolException>(() => new KafkaReader(new byte[] { 1 }).ReadInt16());
        Assert.Throws<ProtocolException>(() => new KafkaReader(new byte[] { 1, 2, 3 }).ReadInt32());
        Assert.Throws<ProtocolException>(() => new KafkaReader(new byte[7]).ReadInt64());
        Assert.Throws<ProtocolException>(() => new KafkaReader(new byte[15]).ReadUuid());
        Assert.Throws<ProtocolException>(() => new KafkaReader(ReadOnlySpan<byte>.Empty).ReadBool());
    }

    [Fact]
    public void Records_OverMemory_AreSlicesOfTheFrame()
    {
        var frame = new byte[] { 0, 0, 0, 3, 7, 8, 9, 0xFF, 0xFF, 0xFF, 0xFF };
        var reader = new KafkaReader(frame.AsMemory());
        var records = reader.ReadRecords(compact: false);
        Assert.NotNull(records);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records.Value, out var segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(4, segment.Offset);
        Assert.Null(reader.ReadRecords(compact: false));
    }

    [Fact]
    public void Records_OverSpan_AreCopied()
    {
        var frame = new byte[] { 3, 7, 8, 9 };
        var reader = new KafkaReader(frame.AsSpan());
        var records = reader.ReadRecords(compact: true);
        Assert.Equal(new byte[] { 7, 8 }, records!.Value.ToArray());
    }

    [Fact]
    public void TaggedFields_UnknownAreSkipped()
    {
        // 2 fields: tag 5 size 2, tag 70 (2-byte uvarint) size 1; then a marker int8.
        var bytes = new byte[] { 2, 5, 2, 0xAA, 0xBB, 0xC6, 0x00, 1, 0xCC, 0x7E };
        var reader = new KafkaReader(bytes);
        reader.SkipTaggedFields();
        Assert.Equal(0x7E, reader.ReadInt8());
    }

    [Fact]
    public void TaggedFields_SizeBeyondInput_IsRejected()
    {
        var bytes = new byte[] { 1, 0, 9, 0xAA };
        Assert.Throws<ProtocolException>(() => new KafkaReader(bytes).SkipTaggedFields());
    }
}
