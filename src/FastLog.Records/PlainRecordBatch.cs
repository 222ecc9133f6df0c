using System.Buffers;

namespace FastLog.Records;

/// <summary>
/// Reads the keys and values back out of uncompressed RecordBatch v2 bytes (record layout in
/// <see cref="RecordBatchBuilder"/>, which writes them). The group coordinator's offsets log is
/// replayed with it; the load tool's wire client counts fetched records with it.
/// </summary>
public static class PlainRecordBatch
{
    /// <summary>
    /// Calls <paramref name="apply"/> for every record of the batches in <paramref name="batches"/>
    /// (batches back to back, as the log and fetch responses hold them; a partial last batch is
    /// left alone); returns the offset after the last whole batch, or -1 when there was none.
    /// Throws <see cref="InvalidDataException"/> for a compressed batch or records that do not parse.
    /// </summary>
    public static long Decode(ReadOnlyMemory<byte> batches, Action<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
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

            if (header.CompressionCodec != CompressionCodec.None)
            {
                throw new InvalidDataException($"Batch at offset {header.BaseOffset} is compressed; only plain batches can be decoded here.");
            }

            var body = batches.Slice(at + RecordBatchHeader.Size, header.TotalSize - RecordBatchHeader.Size);
            var position = 0;
            for (var i = 0; i < header.RecordCount; i++)
            {
                var length = ReadVarInt(body.Span, ref position);
                if (length < 1 || length > body.Length - position)
                {
                    throw new InvalidDataException($"Record of {length} byte(s) does not fit in batch at offset {header.BaseOffset}.");
                }

                var record = body.Slice(position, length);
                position += length;
                var field = 1; // past the attributes byte
                ReadVarLong(record.Span, ref field); // timestamp delta
                ReadVarInt(record.Span, ref field); // offset delta
                // A null key (-1: what producers send without one) reads as empty.
                var key = ReadBytes(record, ref field) ?? ReadOnlyMemory<byte>.Empty;
                apply(key, ReadBytes(record, ref field));
            }

            at += header.TotalSize;
            next = header.LastOffset + 1;
        }

        return next;
    }

    /// <summary>A varint length, then that many bytes of <paramref name="record"/>; null for length -1.</summary>
    private static ReadOnlyMemory<byte>? ReadBytes(ReadOnlyMemory<byte> record, ref int position)
    {
        var length = ReadVarInt(record.Span, ref position);
        if (length < 0)
        {
            return null;
        }

        if (length > record.Length - position)
        {
            throw new InvalidDataException($"Record field of {length} byte(s) runs past its record.");
        }

        var bytes = record.Slice(position, length);
        position += length;
        return bytes;
    }

    private static int ReadVarInt(ReadOnlySpan<byte> bytes, ref int position)
    {
        var status = VarIntCodec.ReadVarInt(bytes[position..], out var value, out var length);
        position += Consumed(status, length);
        return value;
    }

    private static long ReadVarLong(ReadOnlySpan<byte> bytes, ref int position)
    {
        var status = VarIntCodec.ReadVarLong(bytes[position..], out var value, out var length);
        position += Consumed(status, length);
        return value;
    }

    private static int Consumed(OperationStatus status, int length) => status == OperationStatus.Done
        ? length
        : throw new InvalidDataException("Record varint is truncated or too long.");
}
