using System.Buffers;
using System.Buffers.Binary;
using FastLog.Core;
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
        var body = new ArrayBufferWriter<byte>(256);
        for (var i = 0; i < records.Count; i++)
        {
            var (key, value) = records[i];
            var size = 1 + VarintSize(0) + VarintSize(i) + VarintSize(key.Length) + key.Length
                + VarintSize(value?.Length ?? -1) + (value?.Length ?? 0) + VarintSize(0);
            WriteVarint(body, size);
            WriteByte(body, 0);
            WriteVarint(body, 0);
            WriteVarint(body, i);
            WriteVarint(body, key.Length);
            body.Write(key);
            WriteVarint(body, value?.Length ?? -1);
            if (value is not null)
            {
                body.Write(value);
            }

            WriteVarint(body, 0);
        }

        var batch = new byte[RecordBatchHeader.Size + body.WrittenCount];
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

            var position = at + RecordBatchHeader.Size;
            for (var i = 0; i < header.RecordCount; i++)
            {
                var length = ReadVarint(span, ref position);
                var record = position;
                position++; // attributes
                ReadVarint(span, ref position); // timestamp delta
                ReadVarint(span, ref position); // offset delta
                var keyLength = ReadVarint(span, ref position);
                var key = batches.Slice(position, keyLength);
                position += keyLength;
                var valueLength = ReadVarint(span, ref position);
                // Typed explicitly: a bare null would convert to an empty (non-null) ReadOnlyMemory through byte[].
                var value = valueLength < 0 ? (ReadOnlyMemory<byte>?)null : batches.Slice(position, valueLength);
                apply(key, value);
                position = record + length;
            }

            at += header.TotalSize;
            next = header.LastOffset + 1;
        }

        return next;
    }

    private static void WriteByte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static int VarintSize(int value)
    {
        var zigzag = (uint)((value << 1) ^ (value >> 31));
        var size = 1;
        while (zigzag >= 0x80)
        {
            zigzag >>= 7;
            size++;
        }

        return size;
    }

    private static void WriteVarint(ArrayBufferWriter<byte> writer, int value)
    {
        var zigzag = (uint)((value << 1) ^ (value >> 31));
        while (zigzag >= 0x80)
        {
            WriteByte(writer, (byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        WriteByte(writer, (byte)zigzag);
    }

    private static int ReadVarint(ReadOnlySpan<byte> buffer, ref int at)
    {
        uint raw = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = buffer[at++];
            raw |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (int)(raw >> 1) ^ -(int)(raw & 1);
            }
        }

        throw new InvalidDataException("Malformed varint in the offsets log.");
    }
}
