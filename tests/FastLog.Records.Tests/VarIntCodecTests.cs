using System.Buffers;

namespace FastLog.Records.Tests;

public sealed class VarIntCodecTests
{
    [Theory]
    // Zigzag first, then 7 bits a byte: 2 -> 04, -2 -> 03, 63 -> 7E, -65 -> zigzag 129 = 81 01,
    // 300 -> zigzag 600 = D8 04.
    [InlineData(2, new byte[] { 0x04 })]
    [InlineData(-2, new byte[] { 0x03 })]
    [InlineData(63, new byte[] { 0x7E })]
    [InlineData(-65, new byte[] { 0x81, 0x01 })]
    [InlineData(300, new byte[] { 0xD8, 0x04 })]
    [InlineData(-1_000_000, new byte[] { 0xFF, 0x88, 0x7A })]
    public void VarInt_WritesSizesAndReadsBack(int value, byte[] expected)
    {
        var buffer = new byte[VarIntCodec.MaxVarIntBytes];

        var size = VarIntCodec.WriteVarInt(buffer, value);

        Assert.Equal(expected, buffer[..size]);
        Assert.Equal(size, VarIntCodec.SizeOfVarInt(value));
        Assert.Equal(OperationStatus.Done, VarIntCodec.ReadVarInt(buffer, out var read, out var bytesRead));
        Assert.Equal(value, read);
        Assert.Equal(size, bytesRead);
    }

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(-65L, 2)]
    [InlineData(1_700_000_000_000L, 6)]
    [InlineData(long.MaxValue, 10)]
    [InlineData(long.MinValue, 10)]
    public void VarLong_WritesSizesAndReadsBack(long value, int expectedSize)
    {
        var buffer = new byte[VarIntCodec.MaxVarLongBytes + 1];

        var size = VarIntCodec.WriteVarLong(buffer, value);

        Assert.Equal(expectedSize, size);
        Assert.Equal(size, VarIntCodec.SizeOfVarLong(value));
        Assert.Equal(OperationStatus.Done, VarIntCodec.ReadVarLong(buffer, out var read, out var bytesRead));
        Assert.Equal(value, read);
        Assert.Equal(size, bytesRead);
    }

    [Fact]
    public void Readers_ReportTruncatedAndOverflowingNumbers()
    {
        Assert.Equal(OperationStatus.NeedMoreData, VarIntCodec.ReadUnsignedVarInt([0x80, 0x80], out _, out _));
        Assert.Equal(OperationStatus.NeedMoreData, VarIntCodec.ReadVarLong([], out _, out _));
        // A fifth byte above 0x0F needs more than 32 bits; a tenth above 0x01 more than 64.
        Assert.Equal(OperationStatus.InvalidData, VarIntCodec.ReadVarInt([0xFF, 0xFF, 0xFF, 0xFF, 0x10], out _, out _));
        Assert.Equal(OperationStatus.InvalidData, VarIntCodec.ReadVarLong([.. Enumerable.Repeat((byte)0xFF, 9), 0x02], out _, out _));
    }
}
