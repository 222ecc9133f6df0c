using System.Buffers.Binary;

namespace FastLog.Records;

/// <summary>
/// The records of one stored RecordBatch, decompressed: what the log cleaner filters and the
/// compacted-topic key check reads. <see cref="Rebuild"/> writes the batch again with a subset of
/// its records, the way Kafka's cleaner does for v2 batches: every header field is kept
/// (BaseOffset, LastOffsetDelta, BaseSequence, timestamps, producer id and epoch, attributes, codec)
/// except Length, RecordCount and the CRC-32C; each kept record is copied verbatim (its offset and
/// timestamp deltas, headers and key stay valid against the unchanged header); the body is
/// compressed again with the batch's own codec. <see cref="Recompress"/> writes it whole with another
/// codec. Immutable: any thread.
/// </summary>
public sealed class RecordBatchRecords
{
    private RecordBatchRecords(byte[] body, List<RecordSpan> records)
    {
        Body = body;
        Records = records;
    }

    /// <summary>The uncompressed records body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public IReadOnlyList<RecordSpan> Records { get; }

    /// <summary>
    /// The records of <paramref name="batch"/> (exactly one whole batch). Throws
    /// <see cref="InvalidDataException"/> when the body does not decode or parse, or decompresses to
    /// more than <paramref name="maxBytes"/>.
    /// </summary>
    public static RecordBatchRecords Read(ReadOnlySpan<byte> batch, int maxBytes)
    {
        var header = RecordBatchHeader.Read(batch);
        var body = RecordCompression.Decompress(header.CompressionCodec, batch[RecordBatchHeader.Size..header.TotalSize], maxBytes);
        var records = new List<RecordSpan>(Math.Max(0, Math.Min(header.RecordCount, body.Length)));
        RecordParser.Parse(body, header.RecordCount, records);
        return new RecordBatchRecords(body, records);
    }

    /// <summary>
    /// <paramref name="batch"/> (the one these records were read from) with only the records whose
    /// index <paramref name="keep"/> holds; at least one record must be kept (a batch Kafka's cleaner
    /// empties is dropped, or kept whole as a producer's last batch).
    /// </summary>
    public byte[] Rebuild(ReadOnlySpan<byte> batch, Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var header = RecordBatchHeader.Read(batch);
        var kept = new MemoryStream(Body.Length);
        var count = 0;
        for (var i = 0; i < Records.Count; i++)
        {
            if (keep(i))
            {
                kept.Write(Body.Span.Slice(Records[i].Start, Records[i].Length));
                count++;
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("A rebuilt batch keeps at least one record.", nameof(keep));
        }

        return Write(batch, kept.GetBuffer().AsSpan(0, (int)kept.Length), count, header.CompressionCodec, level: null);
    }

    /// <summary>
    /// <paramref name="batch"/> (the one these records were read from) with every record, its body
    /// compressed with <paramref name="codec"/> at <paramref name="level"/> (null: the codec's
    /// default, <see cref="RecordCompression.Compress"/>) instead of its own: a topic's
    /// compression.type, as Kafka's broker re-encodes a producer's batch. Only the codec bits of
    /// Attributes change (the transactional, control and timestamp-type bits stay); the records and
    /// every other header field are as they were.
    /// </summary>
    public byte[] Recompress(ReadOnlySpan<byte> batch, CompressionCodec codec, int? level) =>
        // The header's count, not the parsed one: a negative count over an empty body parses as no
        // records, and must reach the log's checks as sent.
        Write(batch, Body.Span, RecordBatchHeader.Read(batch).RecordCount, codec, level);

    /// <summary>A new batch: <paramref name="batch"/>'s header with <paramref name="codec"/>, then <paramref name="records"/> compressed; Length, RecordCount and CRC-32C set.</summary>
    private static byte[] Write(ReadOnlySpan<byte> batch, ReadOnlySpan<byte> records, int count, CompressionCodec codec, int? level)
    {
        var body = RecordCompression.Compress(codec, records, level);
        var written = new byte[RecordBatchHeader.Size + body.Length];
        batch[..RecordBatchHeader.Size].CopyTo(written);
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchHeader.AttributesOffset..]);
        BinaryPrimitives.WriteInt16BigEndian(written.AsSpan(RecordBatchHeader.AttributesOffset), (short)((attributes & ~RecordBatchHeader.CompressionCodecMask) | (int)codec));
        body.CopyTo(written.AsSpan(RecordBatchHeader.Size));
        RecordBatchHeader.SetLengthAndCount(written, count);
        return written;
    }
}
