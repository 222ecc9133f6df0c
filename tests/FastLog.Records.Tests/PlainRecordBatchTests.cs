namespace FastLog.Records.Tests;

/// <summary>Plain batches as fetch responses hold them: back to back, maybe cut short, keys maybe null.</summary>
public sealed class PlainRecordBatchTests
{
    private static readonly RecordBatchBuilder Builder = new() { FirstTimestamp = 1_700_000_000_000 };

    [Fact]
    public void Decode_ReadsWholeBatchesAndLeavesAPartialLastBatchAlone()
    {
        var first = Builder.Build([new([1], [10]), new([2], [20, 21])]);
        var second = new RecordBatchBuilder { BaseOffset = 2, FirstTimestamp = 1_700_000_000_000 }.Build([new([3], [30, 31, 32])]);
        var third = new RecordBatchBuilder { BaseOffset = 3, FirstTimestamp = 1_700_000_000_000 }.Build([new([4], new byte[100])]);
        byte[] response = [.. first, .. second, .. third.AsSpan(0, third.Length - 1)];

        var values = new List<byte[]>();
        var next = PlainRecordBatch.Decode(response, (_, value) => values.Add(value!.Value.ToArray()));

        Assert.Equal(3, next);
        Assert.Equal([[10], [20, 21], [30, 31, 32]], values);
    }

    [Fact]
    public void Decode_ReadsANullKeyAsEmpty_AndANullValueAsNull()
    {
        var batch = Builder.Build([new(null, [7, 8]), new([1], null, Headers: [new("h", [9])])]);

        var records = new List<(int Key, int? Value)>();
        var next = PlainRecordBatch.Decode(batch, (key, value) => records.Add((key.Length, value?.Length)));

        Assert.Equal(2, next);
        Assert.Equal([(0, 2), (1, null)], records);
    }

    [Fact]
    public void Decode_RefusesCompressedBatches_AndRecordsThatRunPastTheirBatch()
    {
        var compressed = Builder.BuildPassthrough([1, 2, 3], 1, CompressionCodec.Gzip);
        Assert.Throws<InvalidDataException>(() => PlainRecordBatch.Decode(compressed, (_, _) => { }));

        var batch = Builder.Build([new([1], [2])]);
        batch[RecordBatchHeader.Size] = 0x7E; // the record's length: 63 bytes, more than the batch holds
        Assert.Throws<InvalidDataException>(() => PlainRecordBatch.Decode(batch, (_, _) => { }));
    }
}
