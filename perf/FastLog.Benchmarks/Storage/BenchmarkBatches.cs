using System.Buffers.Binary;
using FastLog.Core;
using FastLog.Protocol;

namespace FastLog.Benchmarks.Storage;

/// <summary>Builds an uncompressed RecordBatch v2 of about <c>batchBytes</c> bytes holding 1 KiB records (CRC-32C correct).</summary>
internal static class BenchmarkBatches
{
    public const int RecordValueBytes = 1024;
    private const int HeaderBytes = 61;

    public static byte[] Build(int batchBytes)
    {
        using var records = new KafkaWriter(batchBytes + 4096);
        var value = new byte[RecordValueBytes];
        Random.Shared.NextBytes(value);
        var count = 0;
        while (records.Position + RecordValueBytes + 16 <= batchBytes - HeaderBytes || count == 0)
        {
            using var record = new KafkaWriter();
            record.WriteInt8(0);            // attributes
            record.WriteVarLong(0);         // timestamp delta
            record.WriteVarInt(count);      // offset delta
            record.WriteVarInt(-1);         // null key
            record.WriteVarInt(value.Length);
            record.WriteRaw(value);
            record.WriteVarInt(0);          // no headers
            records.WriteVarInt(record.Position);
            records.WriteRaw(record.WrittenSpan);
            count++;
        }

        var batch = new byte[HeaderBytes + records.Position];
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(12), -1);
        batch[16] = 2;
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), count - 1);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(27), now);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(35), now);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(43), -1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(51), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(53), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), count);
        records.WrittenSpan.CopyTo(batch.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), Crc32C.Compute(batch.AsSpan(21)));
        return batch;
    }
}
