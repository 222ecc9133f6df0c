using FastLog.Records;

namespace FastLog.Storage.Tests;

/// <summary>
/// The stream of batches the partition tests append: batch i has 1 + i % 5 records, 100-1100
/// bytes of opaque records and timestamps from 1_700_000_000_000 + i.
/// </summary>
internal static class TestStream
{
    public static byte[] Batch(int i) =>
        TestBatches.Create(recordCount: 1 + (i % 5), recordsBytes: 100 + ((i * 37) % 1000), firstTimestamp: 1_700_000_000_000 + i, seed: i);

    /// <summary>What batch <paramref name="i"/> looks like once stored at <paramref name="baseOffset"/>.</summary>
    public static byte[] Stored(int i, long baseOffset)
    {
        var batch = Batch(i);
        RecordBatchHeader.SetBaseOffset(batch, baseOffset);
        return batch;
    }

    /// <summary>BaseOffset of batch <paramref name="i"/> when the stream starts at offset 0.</summary>
    public static long OffsetOf(int i) => Enumerable.Range(0, i).Sum(n => 1L + (n % 5));

    /// <summary>Batches [from, from + count) as stored contiguously from <paramref name="baseOffset"/> (default: as in a log starting at 0).</summary>
    public static byte[] Expected(int from, int count, long baseOffset = -1)
    {
        var offset = baseOffset < 0 ? OffsetOf(from) : baseOffset;
        var bytes = new List<byte>();
        for (var i = from; i < from + count; i++)
        {
            bytes.AddRange(Stored(i, offset));
            offset += 1 + (i % 5);
        }

        return bytes.ToArray();
    }
}
