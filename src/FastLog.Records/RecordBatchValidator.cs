using System.Buffers.Binary;

namespace FastLog.Records;

/// <summary>
/// The checks Kafka applies to RecordBatch v2 headers coming from producers
/// (DefaultRecordBatch.ensureValid plus LogValidator.validateBatch): structure and CRC,
/// then the header-level producer rules. Records stay opaque: nothing here looks past
/// byte 61 except the CRC.
/// </summary>
public static class RecordBatchValidator
{
    /// <summary>
    /// Validates every batch in <paramref name="records"/> (one or more whole batches back to
    /// back). The whole payload is refused if any batch is bad, so nothing of it is stored.
    /// </summary>
    public static RecordBatchValidation ValidateForAppend(ReadOnlySpan<byte> records, int maxBatchBytes)
    {
        if (records.IsEmpty)
        {
            return new RecordBatchValidation(RecordBatchError.Empty, 0, 0, 0);
        }

        var index = 0;
        long offsets = 0;
        while (!records.IsEmpty)
        {
            var error = ValidateOne(records, maxBatchBytes, out var size, out var offsetCount);
            if (error != RecordBatchError.None)
            {
                return new RecordBatchValidation(error, index, index, offsets);
            }

            offsets += offsetCount;
            records = records[size..];
            index++;
        }

        return new RecordBatchValidation(RecordBatchError.None, -1, index, offsets);
    }

    private static RecordBatchError ValidateOne(ReadOnlySpan<byte> data, int maxBatchBytes, out int size, out int offsetCount)
    {
        offsetCount = 0;
        if (data.Length >= RecordBatchHeader.LogOverhead && RecordBatchHeader.ReadTotalSize(data) > maxBatchBytes)
        {
            size = 0;
            return RecordBatchError.BatchTooLarge;
        }

        var error = RecordBatchHeader.CheckStructure(data, out size);
        if (error != RecordBatchError.None)
        {
            return error;
        }

        var attributes = BinaryPrimitives.ReadInt16BigEndian(data[RecordBatchHeader.AttributesOffset..]);
        var recordCount = BinaryPrimitives.ReadInt32BigEndian(data[RecordBatchHeader.RecordCountOffset..]);
        var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(data[RecordBatchHeader.LastOffsetDeltaOffset..]);
        var producerId = BinaryPrimitives.ReadInt64BigEndian(data[RecordBatchHeader.ProducerIdOffset..]);
        var baseSequence = BinaryPrimitives.ReadInt32BigEndian(data[RecordBatchHeader.BaseSequenceOffset..]);

        if ((attributes & RecordBatchHeader.CompressionCodecMask) > RecordBatchHeader.MaxCompressionCodec)
        {
            return RecordBatchError.UnknownCompressionCodec;
        }

        if (recordCount <= 0)
        {
            return RecordBatchError.InvalidRecordCount;
        }

        if ((long)lastOffsetDelta + 1 != recordCount)
        {
            return RecordBatchError.InconsistentLastOffsetDelta;
        }

        if ((attributes & RecordBatchHeader.ControlFlag) != 0)
        {
            return RecordBatchError.ControlBatchFromClient;
        }

        if (producerId >= 0 && baseSequence < 0)
        {
            return RecordBatchError.InvalidSequence;
        }

        if ((attributes & RecordBatchHeader.TimestampTypeFlag) != 0)
        {
            return RecordBatchError.LogAppendTimeFromClient;
        }

        offsetCount = recordCount;
        return RecordBatchError.None;
    }
}
