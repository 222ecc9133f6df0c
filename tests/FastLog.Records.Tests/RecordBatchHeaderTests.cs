using System.Buffers.Binary;
using FastLog.Core;

namespace FastLog.Records.Tests;

public sealed class RecordBatchHeaderTests
{
    private static readonly RecordBatchBuilder Builder = new() { FirstTimestamp = 1_700_000_000_000 };

    [Fact]
    public void Read_DecodesEveryField()
    {
        var batch = new RecordBatchBuilder { BaseOffset = 42, PartitionLeaderEpoch = 6, ProducerId = 7, ProducerEpoch = 8, BaseSequence = 11, FirstTimestamp = 1000, MaxTimestamp = 1004 }
            .BuildPassthrough(new byte[100], 5, CompressionCodec.Lz4);

        var header = RecordBatchHeader.Read(batch);

        Assert.Equal(42, header.BaseOffset);
        Assert.Equal(batch.Length - 12, header.Length);
        Assert.Equal(batch.Length, header.TotalSize);
        Assert.Equal(6, header.PartitionLeaderEpoch);
        Assert.Equal(2, header.Magic);
        Assert.Equal(CompressionCodec.Lz4, header.CompressionCodec);
        Assert.Equal(4, header.LastOffsetDelta);
        Assert.Equal(46, header.LastOffset);
        Assert.Equal(1000, header.FirstTimestamp);
        Assert.Equal(1004, header.MaxTimestamp);
        Assert.Equal(7, header.ProducerId);
        Assert.Equal(8, header.ProducerEpoch);
        Assert.Equal(11, header.BaseSequence);
        Assert.Equal(5, header.RecordCount);
        Assert.Equal(Crc32C.Compute(batch.AsSpan(21)), header.Crc);
        Assert.False(header.IsLogAppendTime);
        Assert.False(header.IsTransactional);
        Assert.False(header.IsControl);
    }

    [Fact]
    public void CheckStructure_AcceptsValidBatch_AndReportsItsSize()
    {
        var batch = Builder.Build([new([1], new byte[70])]);
        var withTrailer = batch.Concat(new byte[10]).ToArray();

        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(withTrailer, out var size));
        Assert.Equal(batch.Length, size);
    }

    [Fact]
    public void CheckStructure_RejectsTruncatedBatch()
    {
        var batch = Builder.Build([new([1], new byte[70])]);

        Assert.Equal(RecordBatchError.Truncated, RecordBatchHeader.CheckStructure(batch.AsSpan(0, batch.Length - 1), out _));
        Assert.Equal(RecordBatchError.Truncated, RecordBatchHeader.CheckStructure(batch.AsSpan(0, 10), out _));
    }

    [Fact]
    public void CheckStructure_RejectsLengthBelowHeader()
    {
        var batch = Builder.Build([new([1], [2])]);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), 48);

        Assert.Equal(RecordBatchError.LengthBelowMinimum, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Fact]
    public void CheckStructure_RejectsOtherMagic()
    {
        var batch = Builder.Build([new([1], [2])]);
        batch[16] = 1;

        Assert.Equal(RecordBatchError.UnsupportedMagic, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Theory]
    [InlineData(21)] // attributes: first byte the CRC covers
    [InlineData(40)] // MaxTimestamp
    [InlineData(70)] // records
    public void CheckStructure_DetectsAFlippedBitInsideTheCrcRange(int position)
    {
        var batch = Builder.Build([new([1], new byte[20])]);
        batch[position] ^= 0x10;

        Assert.Equal(RecordBatchError.CrcMismatch, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Fact]
    public void SetBaseOffsetAndEpoch_RewriteInPlace_WithoutBreakingTheCrc()
    {
        var batch = Builder.Build([new([1], [1]), new([2], [2]), new([3], [3])]);

        RecordBatchHeader.SetBaseOffset(batch, 123_456_789_012);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, 9);

        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(123_456_789_012, header.BaseOffset);
        Assert.Equal(123_456_789_014, header.LastOffset);
        Assert.Equal(9, header.PartitionLeaderEpoch);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Fact]
    public void SetLogAppendTime_SetsTypeBitAndMaxTimestamp_AndRecomputesTheCrc()
    {
        var batch = new RecordBatchBuilder { FirstTimestamp = 5, MaxTimestamp = 9 }.BuildPassthrough(new byte[32], 1, CompressionCodec.Snappy);

        RecordBatchHeader.SetLogAppendTime(batch, 1_800_000_000_000);

        var header = RecordBatchHeader.Read(batch);
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(CompressionCodec.Snappy, header.CompressionCodec);
        Assert.Equal(1_800_000_000_000, header.MaxTimestamp);
        Assert.Equal(5, header.FirstTimestamp);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(batch, out _));
    }
}
