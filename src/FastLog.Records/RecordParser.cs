using System.Buffers;

namespace FastLog.Records;

/// <summary>
/// Splits an uncompressed records body (record layout in <see cref="RecordBatchBuilder"/>) into
/// <see cref="RecordSpan"/>s without copying: the one parser of record framing, used by
/// <see cref="PlainRecordBatch"/> and by <see cref="RecordBatchRecords"/> (the cleaner, the
/// compacted-topic key check). Pure function: any thread.
/// </summary>
public static class RecordParser
{
    /// <summary>
    /// Appends the spans of the <paramref name="recordCount"/> records of <paramref name="body"/> to
    /// <paramref name="into"/>. Throws <see cref="InvalidDataException"/> when they do not parse or
    /// do not fill the body exactly.
    /// </summary>
    public static void Parse(ReadOnlySpan<byte> body, int recordCount, List<RecordSpan> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var position = 0;
        for (var i = 0; i < recordCount; i++)
        {
            var start = position;
            var length = ReadVarInt(body, ref position);
            if (length < 1 || length > body.Length - position)
            {
                throw new InvalidDataException($"Record of {length} byte(s) does not fit in its batch.");
            }

            var end = position + length;
            var record = body[..end];
            var field = position + 1; // past the attributes byte
            ReadVarLong(record, ref field); // timestamp delta
            var offsetDelta = ReadVarInt(record, ref field);
            var keyLength = ReadVarInt(record, ref field);
            var keyStart = field;
            field = Skip(record, field, keyLength);
            var valueLength = ReadVarInt(record, ref field);
            Skip(record, field, valueLength);
            into.Add(new RecordSpan(start, end - start, offsetDelta, keyStart, keyLength, field, valueLength));
            position = end;
        }

        if (position != body.Length)
        {
            throw new InvalidDataException($"Records end at byte {position} of a {body.Length}-byte body.");
        }
    }

    private static int Skip(ReadOnlySpan<byte> record, int position, int length)
    {
        if (length < -1 || length > record.Length - position)
        {
            throw new InvalidDataException($"Record field of {length} byte(s) runs past its record.");
        }

        return position + Math.Max(length, 0);
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
