using FastLog.Records;

namespace FastLog.Benchmarks.Storage;

/// <summary>An uncompressed RecordBatch v2 of about <c>batchBytes</c> bytes holding 1 KiB records (null keys).</summary>
internal static class BenchmarkBatches
{
    public const int RecordValueBytes = 1024;

    /// <summary>
    /// Most bytes one record takes encoded: the value plus length 2, attributes 1, timestamp delta 1,
    /// offset delta 2, null key 1, value length 2, header count 1; so the batch stays within size.
    /// </summary>
    private const int RecordBytes = RecordValueBytes + 10;

    public static byte[] Build(int batchBytes)
    {
        var value = new byte[RecordValueBytes];
        Random.Shared.NextBytes(value);
        var count = Math.Max(1, (batchBytes - RecordBatchHeader.Size) / RecordBytes);
        return new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }
            .Build(Enumerable.Repeat(new KeyValueRecord(null, value), count).ToList());
    }
}
