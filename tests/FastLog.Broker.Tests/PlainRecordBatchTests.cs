using FastLog.Broker.Records;
using FastLog.Records;

namespace FastLog.Broker.Tests;

/// <summary>Plain batches as fetch responses hold them: back to back, maybe cut short, keys maybe null.</summary>
public sealed class PlainRecordBatchTests
{
    [Fact]
    public void Decode_ReadsWholeBatchesAndLeavesAPartialLastBatchAlone()
    {
        var first = PlainRecordBatch.Encode([new([1], [10]), new([2], [20, 21])], 1_700_000_000_000);
        var second = PlainRecordBatch.Encode([new([3], [30, 31, 32])], 1_700_000_000_000);
        RecordBatchHeader.SetBaseOffset(second, 2);
        var third = PlainRecordBatch.Encode([new([4], new byte[100])], 1_700_000_000_000);
        RecordBatchHeader.SetBaseOffset(third, 3);
        byte[] response = [.. first, .. second, .. third.AsSpan(0, third.Length - 1)];

        var values = new List<byte[]>();
        var next = PlainRecordBatch.Decode(response, (_, value) => values.Add(value!.Value.ToArray()));

        Assert.Equal(3, next);
        Assert.Equal([[10], [20, 21], [30, 31, 32]], values);
    }

    [Fact]
    public void Decode_ReadsANullKeyAsEmpty()
    {
        var batch = PlainRecordBatch.Encode([new([], [7, 8])], 1_700_000_000_000);
        // The first record: length varint (1 byte), attributes, timestamp delta, offset delta, then
        // the key length: varint 0 (empty) becomes varint -1 (null, zigzag 0x01).
        const int keyLengthAt = RecordBatchHeader.Size + 4;
        Assert.Equal(0, batch[keyLengthAt]);
        batch[keyLengthAt] = 0x01;

        var keys = new List<int>();
        var next = PlainRecordBatch.Decode(batch, (key, value) => keys.Add(key.Length + (value?.Length ?? 0)));

        Assert.Equal(1, next);
        Assert.Equal([2], keys);
    }
}
