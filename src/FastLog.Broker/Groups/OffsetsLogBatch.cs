using System.Buffers.Binary;
using FastLog.Core;
using FastLog.Protocol;
using FastLog.Storage.Format;

namespace FastLog.Broker.Groups;

/// <summary>
/// Encodes the offsets log's records as one uncompressed Kafka RecordBatch v2 (header layout in
/// <see cref="RecordBatchHeader"/>; no producer id, CreateTime) and decodes them back at replay.
/// Each record after the 61-byte header:
/// <code>
///  length          varint  bytes of the rest of the record
///  attributes      i8      0
///  timestampDelta  varlong 0 (every record carries the batch's FirstTimestamp)
///  offsetDelta     varint  index in the batch
///  keyLength       varint  then the key bytes
///  valueLength     varint  -1 = null (tombstone), then the value bytes
///  headerCount     varint  0
/// </code>
/// Varints are zigzag-encoded as in Kafka. One OffsetCommit request becomes one batch, so its
/// partitions are committed (and replayed) all or nothing.
/// </summary>
internal static class OffsetsLogBatch
{
    public static byte[] Encode(IReadOnlyList<KeyValueRecord> records, long timestamp)
    {
        using var body = new KafkaWriter(256);
        using var record = new KafkaWriter(256);
        for (var i = 0; i < records.Count; i++)
        {
            var (key, value) = records[i];
            record.Reset();
            record.WriteInt8(0);
            record.WriteVarLong(0);
            record.WriteVarInt(i);
            record.WriteVarInt(key.Length);
            record.WriteRaw(key);
            record.WriteVarInt(value?.Length ?? -1);
            record.WriteRaw(value);
            record.WriteVarInt(0);
            body.WriteVarInt(record.Position);
            body.WriteRaw(record.WrittenSpan);
        }

        var batch = new byte[RecordBatchHeader.Size + body.Position];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchHeader.LengthOffset..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchHeader.PartitionLeaderEpochOffset..], -1);
        batch[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchHeader.LastOffsetDeltaOffset..], records.Count - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatchHeader.FirstTimestampOffset..], timestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatchHeader.MaxTimestampOffset..], timestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatchHeader.ProducerIdOffset..], -1);
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatchHeader.ProducerEpochOffset..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchHeader.BaseSequenceOffset..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchHeader.RecordCountOffset..], records.Count);
        body.WrittenSpan.CopyTo(span[RecordBatchHeader.Size..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[RecordBatchHeader.CrcOffset..], Crc32C.Compute(span[RecordBatchHeader.AttributesOffset..]));
        return batch;
    }

    /// <summary>
    /// Calls <paramref name="apply"/> for every record of the batches in <paramref name="batches"/>
    /// (whole batches back to back, as the log returns them); returns the offset after the last
    /// batch, or -1 when there was none.
    /// </summary>
    public static long Decode(ReadOnlyMemory<byte> batches, Action<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?> apply)
    {
        var span = batches.Span;
        var next = -1L;
        var at = 0;
        while (at + RecordBatchHeader.Size <= span.Length)
        {
            var header = RecordBatchHeader.Read(span[at..]);
            if ((header.Attributes & RecordBatchHeader.CompressionCodecMask) != 0)
            {
                throw new InvalidDataException($"Offsets log batch at offset {header.BaseOffset} is compressed; FastLog writes none.");
            }

            var bodyStart = at + RecordBatchHeader.Size;
            var reader = new KafkaReader(span[bodyStart..]);
            for (var i = 0; i < header.RecordCount; i++)
            {
                var length = reader.ReadVarInt();
                var record = reader.Position;
                reader.ReadInt8(); // attributes
                reader.ReadVarLong(); // timestamp delta
                reader.ReadVarInt(); // offset delta
                var keyLength = reader.ReadVarInt();
                var key = batches.Slice(bodyStart + reader.Position, keyLength);
                reader.Skip(keyLength);
                var valueLength = reader.ReadVarInt();
                // Typed explicitly: a bare null would convert to an empty (non-null) ReadOnlyMemory through byte[].
                var value = valueLength < 0 ? (ReadOnlyMemory<byte>?)null : batches.Slice(bodyStart + reader.Position, valueLength);
                apply(key, value);
                reader.Skip(length - (reader.Position - record));
            }

            at += header.TotalSize;
            next = header.LastOffset + 1;
        }

        return next;
    }
}
