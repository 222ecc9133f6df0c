using FastLog.Records;

namespace FastLog.Storage.Tests;

/// <summary>
/// Batches for the log's tests: a valid header and CRC over seeded random "records" bytes, which
/// the log never reads (so any size and record count will do), and whole logs of them.
/// </summary>
internal static class TestBatches
{
    /// <summary>MaxTimestamp defaults to one millisecond per record after <paramref name="firstTimestamp"/>.</summary>
    public static byte[] Create(
        long baseOffset = 0,
        int recordCount = 1,
        int recordsBytes = 32,
        long firstTimestamp = 1_700_000_000_000,
        long? maxTimestamp = null,
        int seed = 1)
    {
        var records = new byte[recordsBytes];
        new Random(seed).NextBytes(records);
        return new RecordBatchBuilder
        {
            BaseOffset = baseOffset,
            FirstTimestamp = firstTimestamp,
            MaxTimestamp = maxTimestamp ?? firstTimestamp + recordCount - 1,
        }.BuildPassthrough(records, recordCount, CompressionCodec.None);
    }

    /// <summary>A contiguous log of <paramref name="count"/> batches starting at <paramref name="baseOffset"/>; returns the bytes and each batch's start position.</summary>
    public static (byte[] Log, List<int> Positions) Log(int count, long baseOffset = 0, int recordsPerBatch = 3, int recordsBytes = 200, long firstTimestamp = 1_700_000_000_000)
    {
        var parts = new List<byte[]>();
        var positions = new List<int>();
        var offset = baseOffset;
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var batch = Create(offset, recordsPerBatch, recordsBytes + (i % 7), firstTimestamp + (i * 10), seed: i);
            parts.Add(batch);
            positions.Add(position);
            position += batch.Length;
            offset += recordsPerBatch;
        }

        return (parts.SelectMany(b => b).ToArray(), positions);
    }
}
