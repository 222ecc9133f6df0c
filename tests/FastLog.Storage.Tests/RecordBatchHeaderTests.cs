using System.Buffers.Binary;
using FastLog.Core;
using FastLog.Records;

namespace FastLog.Storage.Tests;

public sealed class RecordBatchHeaderTests
{
    [Fact]
    public void Read_DecodesEveryField()
    {
        var batch = TestBatches.Create(baseOffset: 42, recordCount: 5, recordsBytes: 100, firstTimestamp: 1000, maxTimestamp: 1004,
            attributes: 3, producerId: 7, baseSequence: 11);

        var header = RecordBatchHeader.Read(batch);

        Assert.Equal(42, header.BaseOffset);
        Assert.Equal(batch.Length - 12, header.Length);
        Assert.Equal(batch.Length, header.TotalSize);
        Assert.Equal(2, header.Magic);
        Assert.Equal(3, header.CompressionCodec);
        Assert.Equal(4, header.LastOffsetDelta);
        Assert.Equal(46, header.LastOffset);
        Assert.Equal(1000, header.FirstTimestamp);
        Assert.Equal(1004, header.MaxTimestamp);
        Assert.Equal(7, header.ProducerId);
        Assert.Equal(11, header.BaseSequence);
        Assert.Equal(5, header.RecordCount);
        Assert.Equal(Crc32C.Compute(batch.AsSpan(21)), header.Crc);
        Assert.False(header.IsLogAppendTime);
    }

    [Fact]
    public void CheckStructure_AcceptsValidBatch_AndReportsItsSize()
    {
        var batch = TestBatches.Create(recordsBytes: 77);
        var withTrailer = batch.Concat(new byte[10]).ToArray();

        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(withTrailer, out var size));
        Assert.Equal(batch.Length, size);
    }

    [Fact]
    public void CheckStructure_RejectsTruncatedBatch()
    {
        var batch = TestBatches.Create(recordsBytes: 77);

        Assert.Equal(RecordBatchError.Truncated, RecordBatchHeader.CheckStructure(batch.AsSpan(0, batch.Length - 1), out _));
        Assert.Equal(RecordBatchError.Truncated, RecordBatchHeader.CheckStructure(batch.AsSpan(0, 10), out _));
    }

    [Fact]
    public void CheckStructure_RejectsLengthBelowHeader()
    {
        var batch = TestBatches.Create();
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), 48);

        Assert.Equal(RecordBatchError.LengthBelowMinimum, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Fact]
    public void CheckStructure_RejectsOtherMagic()
    {
        var batch = TestBatches.Create();
        batch[16] = 1;

        Assert.Equal(RecordBatchError.UnsupportedMagic, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Theory]
    [InlineData(21)] // attributes: first byte the CRC covers
    [InlineData(40)] // MaxTimestamp
    [InlineData(70)] // records
    public void CheckStructure_DetectsAFlippedBitInsideTheCrcRange(int position)
    {
        var batch = TestBatches.Create(recordsBytes: 20);
        batch[position] ^= 0x10;

        Assert.Equal(RecordBatchError.CrcMismatch, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Fact]
    public void SetBaseOffsetAndEpoch_RewriteInPlace_WithoutBreakingTheCrc()
    {
        var batch = TestBatches.Create(baseOffset: 0, recordCount: 3);

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
        var batch = TestBatches.Create(attributes: 2, firstTimestamp: 5, maxTimestamp: 9);

        RecordBatchHeader.SetLogAppendTime(batch, 1_800_000_000_000);

        var header = RecordBatchHeader.Read(batch);
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(2, header.CompressionCodec);
        Assert.Equal(1_800_000_000_000, header.MaxTimestamp);
        Assert.Equal(5, header.FirstTimestamp);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(batch, out _));
    }
}
