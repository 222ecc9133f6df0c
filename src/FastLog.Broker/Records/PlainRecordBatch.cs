using System.Runtime.InteropServices;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Broker.Records;

/// <summary>
/// Encodes key-value records as one plain Kafka RecordBatch v2 (uncompressed, CreateTime, no
/// producer id; header layout in <see cref="RecordBatchHeader"/>) and decodes such batches back.
/// The group coordinator's offsets log is written and replayed with it; the load tool's wire
/// client builds its produce batches and counts fetched records with it.
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
/// Varints are zigzag-encoded as in Kafka. For the offsets log, one OffsetCommit request becomes
/// one batch, so its partitions are committed (and replayed) all or nothing.
/// </summary>
internal static class PlainRecordBatch
{
    public static byte[] Encode(IReadOnlyList<KeyValueRecord> records, long timestamp)
    {
        using var output = new KafkaWriter(RecordBatchHeader.Size + 256);
        Encode(output, records, timestamp);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Appends the batch to <paramref name="output"/> (no array of its own: the load tool encodes
    /// thousands a second); returns where it starts there.
    /// </summary>
    public static int Encode(KafkaWriter output, IReadOnlyList<KeyValueRecord> records, long timestamp)
    {
        int start = output.Position;
        output.GetSpan(RecordBatchHeader.Size)[..RecordBatchHeader.Size].Clear();
        output.Advance(RecordBatchHeader.Size);
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
            output.WriteVarInt(record.Position);
            output.WriteRaw(record.WrittenSpan);
        }

        RecordBatchHeader.WritePlain(MemoryMarshal.AsMemory(output.WrittenMemory).Span[start..], records.Count, timestamp);
        return start;
    }

    /// <summary>
    /// Calls <paramref name="apply"/> for every record of the batches in <paramref name="batches"/>
    /// (batches back to back, as the log and fetch responses hold them; a partial last batch is
    /// left alone); returns the offset after the last whole batch, or -1 when there was none.
    /// </summary>
    public static long Decode(ReadOnlyMemory<byte> batches, Action<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?> apply)
    {
        var span = batches.Span;
        var next = -1L;
        var at = 0;
        while (at + RecordBatchHeader.Size <= span.Length)
        {
            var header = RecordBatchHeader.Read(span[at..]);
            if (at + header.TotalSize > span.Length)
            {
                // A fetch response may end in a partial batch (cut at the size limit): not decoded.
                break;
            }

            if ((header.Attributes & RecordBatchHeader.CompressionCodecMask) != 0)
            {
                throw new InvalidDataException($"Batch at offset {header.BaseOffset} is compressed; only plain batches can be decoded here.");
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
                // A null key (-1: what producers send without one) reads as empty.
                var key = keyLength < 0 ? ReadOnlyMemory<byte>.Empty : batches.Slice(bodyStart + reader.Position, keyLength);
                reader.Skip(Math.Max(0, keyLength));
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
