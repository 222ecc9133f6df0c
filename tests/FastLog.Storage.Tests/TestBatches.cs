using System.Buffers.Binary;
using FastLog.Core;
using FastLog.Storage.Format;

namespace FastLog.Storage.Tests;

/// <summary>Builds RecordBatch v2 bytes for tests: a valid header and CRC over opaque "records" bytes.</summary>
internal static class TestBatches
{
    public static byte[] Create(
        long baseOffset = 0,
        int recordCount = 1,
        int recordsBytes = 32,
        long firstTimestamp = 1_700_000_000_000,
        long maxTimestamp = -2,
        short attributes = 0,
        long producerId = -1,
        short producerEpoch = -1,
        int baseSequence = -1,
        int seed = 1)
    {
        var batch = new byte[RecordBatchHeader.Size + recordsBytes];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], -1);
        span[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[23..], recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], firstTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], maxTimestamp == -2 ? firstTimestamp + recordCount - 1 : maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], recordCount);
        new Random(seed).NextBytes(span[RecordBatchHeader.Size..]);
        Reseal(batch);
        return batch;
    }

    /// <summary>Recomputes the CRC after a test edited bytes inside its range.</summary>
    public static void Reseal(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchHeader.CrcOffset..], Crc32C.Compute(batch[RecordBatchHeader.AttributesOffset..]));

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
