using System.Buffers.Binary;

namespace FastLog.Records.Tests;

public sealed class RecordBatchValidatorTests
{
    private const int MaxBatch = 1 << 20;

    private static readonly RecordBatchBuilder Builder = new() { FirstTimestamp = 1_700_000_000_000 };

    [Fact]
    public void ValidateForAppend_CountsBatchesAndOffsets()
    {
        var records = Builder.Build(Records(3)).Concat(Builder.Build(Records(4))).ToArray();

        var result = RecordBatchValidator.ValidateForAppend(records, MaxBatch);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(2, result.BatchCount);
        Assert.Equal(7, result.OffsetCount);
    }

    [Fact]
    public void ValidateForAppend_RefusesTheWholePayload_NamingTheFirstBadBatch()
    {
        var good = Builder.Build(Records(1));
        var bad = Builder.Build(Records(2));
        bad[^1] ^= 1;

        var result = RecordBatchValidator.ValidateForAppend(good.Concat(bad).ToArray(), MaxBatch);

        Assert.Equal(RecordBatchError.CrcMismatch, result.Error);
        Assert.Equal(1, result.BatchIndex);
        Assert.Equal(RecordBatchErrorKind.CorruptMessage, result.Error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesTrailingGarbage()
    {
        var records = Builder.Build(Records(1)).Concat(new byte[] { 1, 2, 3 }).ToArray();

        Assert.Equal(RecordBatchError.Truncated, RecordBatchValidator.ValidateForAppend(records, MaxBatch).Error);
    }

    [Fact]
    public void ValidateForAppend_RefusesEmptyRecords() =>
        Assert.Equal(RecordBatchError.Empty, RecordBatchValidator.ValidateForAppend([], MaxBatch).Error);

    [Fact]
    public void ValidateForAppend_RefusesBatchAboveTheLimit_AsTooLarge()
    {
        var batch = Builder.Build([new([1], new byte[1000])]);

        var result = RecordBatchValidator.ValidateForAppend(batch, 1000);

        Assert.Equal(RecordBatchError.BatchTooLarge, result.Error);
        Assert.Equal(RecordBatchErrorKind.MessageTooLarge, result.Error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesNonPositiveRecordCount()
    {
        var batch = Builder.Build([]);

        var error = RecordBatchValidator.ValidateForAppend(batch, MaxBatch).Error;

        Assert.Equal(RecordBatchError.InvalidRecordCount, error);
        Assert.Equal(RecordBatchErrorKind.InvalidRecord, error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesLastOffsetDeltaInconsistentWithCount()
    {
        var batch = Builder.Build(Records(5));
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.LastOffsetDeltaOffset), 7);
        RecordBatchHeader.UpdateCrc(batch);

        Assert.Equal(RecordBatchError.InconsistentLastOffsetDelta, RecordBatchValidator.ValidateForAppend(batch, MaxBatch).Error);
    }

    [Fact]
    public void ValidateForAppend_RefusesControlBatches()
    {
        var error = RecordBatchValidator.ValidateForAppend(new RecordBatchBuilder { IsControl = true, FirstTimestamp = 1 }.Build(Records(1)), MaxBatch).Error;

        Assert.Equal(RecordBatchError.ControlBatchFromClient, error);
        Assert.Equal(RecordBatchErrorKind.InvalidRecord, error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesLogAppendTimeFromClients()
    {
        var batch = new RecordBatchBuilder { TimestampType = TimestampType.LogAppendTime, FirstTimestamp = 1 }.Build(Records(1));

        var error = RecordBatchValidator.ValidateForAppend(batch, MaxBatch).Error;

        Assert.Equal(RecordBatchError.LogAppendTimeFromClient, error);
        Assert.Equal(RecordBatchErrorKind.InvalidTimestamp, error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesAnUnknownCodec()
    {
        var error = RecordBatchValidator.ValidateForAppend(Builder.BuildPassthrough(new byte[32], 1, (CompressionCodec)5), MaxBatch).Error;

        Assert.Equal(RecordBatchError.UnknownCompressionCodec, error);
        Assert.Equal(RecordBatchErrorKind.CorruptMessage, error.Kind());
    }

    [Fact]
    public void ValidateForAppend_RefusesIdempotentBatchWithoutSequence()
    {
        Assert.Equal(RecordBatchError.InvalidSequence,
            RecordBatchValidator.ValidateForAppend(new RecordBatchBuilder { ProducerId = 5, FirstTimestamp = 1 }.Build(Records(1)), MaxBatch).Error);
        Assert.True(RecordBatchValidator.ValidateForAppend(new RecordBatchBuilder { ProducerId = 5, BaseSequence = 0, FirstTimestamp = 1 }.Build(Records(1)), MaxBatch).IsValid);
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Lz4)]
    [InlineData(CompressionCodec.Zstd)]
    public void ValidateForAppend_AcceptsCompressedBatchesAsTheyCame(CompressionCodec codec) =>
        Assert.True(RecordBatchValidator.ValidateForAppend(Builder.BuildPassthrough(new byte[32], 3, codec), MaxBatch).IsValid);

    private static List<KeyValueRecord> Records(int count) =>
        Enumerable.Range(0, count).Select(i => new KeyValueRecord([(byte)i], [(byte)i, 1, 2])).ToList();
}
