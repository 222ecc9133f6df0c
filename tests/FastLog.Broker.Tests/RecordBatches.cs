using System.Buffers.Binary;
using FastLog.Core;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>Builds RecordBatch v2 bytes by hand (for requests real clients would never send, like corrupt ones).</summary>
internal static class RecordBatches
{
    /// <summary>One uncompressed batch holding one record; CRC-32C correct.</summary>
    public static byte[] Single(byte[] key, byte[] value, long producerId = -1, short producerEpoch = -1, int baseSequence = -1)
    {
        var record = new List<byte>();
        record.Add(0); // attributes
        AddVarint(record, 0); // timestamp delta
        AddVarint(record, 0); // offset delta
        AddVarint(record, key.Length);
        record.AddRange(key);
        AddVarint(record, value.Length);
        record.AddRange(value);
        AddVarint(record, 0); // headers
        var body = new List<byte>();
        AddVarint(body, record.Count);
        body.AddRange(record);

        var batch = new byte[61 + body.Count];
        BinaryPrimitives.WriteInt64BigEndian(batch, 0); // base offset (the broker assigns it)
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(12), -1); // partition leader epoch
        batch[16] = 2; // magic
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(21), 0); // attributes
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), 0); // last offset delta
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(27), now);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(35), now);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(43), producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(51), producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(53), baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), 1); // record count
        body.CopyTo(batch, 61);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), Crc32C.Compute(batch.AsSpan(21)));
        return batch;
    }

    public static ProduceRequest Produce(string topic, byte[] batch, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 30_000,
        TopicData = [new() { Name = topic, Partitions = [new() { Index = 0, Records = batch }] }],
    };

    private static void AddVarint(List<byte> bytes, int value)
    {
        var zigzag = (uint)((value << 1) ^ (value >> 31));
        while (zigzag >= 0x80)
        {
            bytes.Add((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        bytes.Add((byte)zigzag);
    }
}
