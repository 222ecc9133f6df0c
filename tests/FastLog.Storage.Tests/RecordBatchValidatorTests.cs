using System.Buffers.Binary;
using FastLog.Records;

namespace FastLog.Storage.Tests;

public sealed class RecordBatchValidatorTests
{
    private const int MaxBatch = 1 << 20;

    [Fact]
    public void ValidateForAppend_CountsBatchesAndOffsets()
    {
        var records = TestBatches.Create(recordCount: 3).Concat(TestBatches.Create(recordCount: 4, seed: 2)).ToArray();

        var result = RecordBatchValidator.ValidateForAppend(records, MaxBatch);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(2, result.BatchCount);
        Assert.Equal(7, result.OffsetCount);
    }

    [Fact]
    public void ValidateForAppend_RefusesTheWholePayload_NamingTheFirstBadBatch()
    {
        var good = TestBatches.Create();
        var bad = TestBatches.Create(seed: 3);
        bad[^1] ^= 1;

        var result = RecordBatchValidator.ValidateForAppend(good.Concat(bad).ToArray(), MaxBatch);

        Assert.Equal(RecordBatchError.CrcMismatch, result.Error);
        Assert.Equal(1, result.BatchIndex);
        Assert.Equal(RecordBatchErrorKind.CorruptMessage, result.Error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesTrailingGarbage()
    {
        var records = TestBatches.Create().Concat(new byte[] { 1, 2, 3 }).ToArray();

        Assert.Equal(RecordBatchError.Truncated, RecordBatchValidator.ValidateForAppend(records, MaxBatch).Error);
    }

    [Fact]
    public void ValidateForAppend_RefusesEmptyRecords() =>
        Assert.Equal(RecordBatchError.Empty, RecordBatchValidator.ValidateForAppend([], MaxBatch).Error);

    [Fact]
    public void ValidateForAppend_RefusesBatchAboveTheLimit_AsTooLarge()
    {
        var batch = TestBatches.Create(recordsBytes: 1000);

        var result = RecordBatchValidator.ValidateForAppend(batch, 1000);

        Assert.Equal(RecordBatchError.BatchTooLarge, result.Error);
        Assert.Equal(RecordBatchErrorKind.MessageTooLarge, result.Error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesNonPositiveRecordCount()
    {
        var batch = TestBatches.Create(recordCount: 1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), 0);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), -1);
        TestBatches.Reseal(batch);

        var error = RecordBatchValidator.ValidateForAppend(batch, MaxBatch).Error;

        Assert.Equal(RecordBatchError.InvalidRecordCount, error);
        Assert.Equal(RecordBatchErrorKind.InvalidRecord, error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesLastOffsetDeltaInconsistentWithCount()
    {
        var batch = TestBatches.Create(recordCount: 5);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), 7);
        TestBatches.Reseal(batch);

        Assert.Equal(RecordBatchError.InconsistentLastOffsetDelta, RecordBatchValidator.ValidateForAppend(batch, MaxBatch).Error);
    }

    [Theory]
    [InlineData(0x20, (int)RecordBatchError.ControlBatchFromClient, (int)RecordBatchErrorKind.InvalidRecord)]
    [InlineData(0x08, (int)RecordBatchError.LogAppendTimeFromClient, (int)RecordBatchErrorKind.InvalidTimestamp)]
    [InlineData(0x05, (int)RecordBatchError.UnknownCompressionCodec, (int)RecordBatchErrorKind.CorruptMessage)]
    public void ValidateForAppend_RefusesAttributesClientsMayNotSend(short attributes, int expected, int kind)
    {
        var batch = TestBatches.Create(attributes: attributes);

        var error = RecordBatchValidator.ValidateForAppend(batch, MaxBatch).Error;

        Assert.Equal((RecordBatchError)expected, error);
        Assert.Equal((RecordBatchErrorKind)kind, error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesIdempotentBatchWithoutSequence()
    {
        Assert.Equal(RecordBatchError.InvalidSequence,
            RecordBatchValidator.ValidateForAppend(TestBatches.Create(producerId: 5, baseSequence: -1), MaxBatch).Error);
        Assert.True(RecordBatchValidator.ValidateForAppend(TestBatches.Create(producerId: 5, baseSequence: 0), MaxBatch).IsValid);
    }

    [Fact]
    public void ValidateForAppend_AcceptsCompressedBatchesAsTheyCame()
    {
        for (short codec = 1; codec <= 4; codec++)
        {
            Assert.True(RecordBatchValidator.ValidateForAppend(TestBatches.Create(attributes: codec), MaxBatch).IsValid);
        }
    }
}
