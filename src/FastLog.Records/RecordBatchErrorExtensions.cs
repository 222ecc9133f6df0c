namespace FastLog.Records;

public static class RecordBatchErrorExtensions
{
    public static RecordBatchErrorKind Kind(this RecordBatchError error) => error switch
    {
        RecordBatchError.None => RecordBatchErrorKind.None,
        RecordBatchError.Truncated or RecordBatchError.LengthBelowMinimum or RecordBatchError.UnsupportedMagic
            or RecordBatchError.CrcMismatch or RecordBatchError.UnknownCompressionCodec => RecordBatchErrorKind.CorruptMessage,
        RecordBatchError.LogAppendTimeFromClient => RecordBatchErrorKind.InvalidTimestamp,
        RecordBatchError.BatchTooLarge => RecordBatchErrorKind.MessageTooLarge,
        _ => RecordBatchErrorKind.InvalidRecord,
    };

    public static string Describe(this RecordBatchError error) => error switch
    {
        RecordBatchError.None => "valid",
        RecordBatchError.Truncated => "record batch is truncated (fewer bytes than its Length announces)",
        RecordBatchError.LengthBelowMinimum => "record batch Length is smaller than the 61-byte header",
        RecordBatchError.UnsupportedMagic => "record batch magic is not 2",
        RecordBatchError.CrcMismatch => "record batch CRC-32C does not match its contents",
        RecordBatchError.UnknownCompressionCodec => "record batch uses an unknown compression codec",
        RecordBatchError.InvalidRecordCount => "record batch RecordCount is not positive",
        RecordBatchError.InconsistentLastOffsetDelta => "record batch LastOffsetDelta + 1 differs from RecordCount",
        RecordBatchError.ControlBatchFromClient => "clients may not write control batches",
        RecordBatchError.InvalidSequence => "idempotent record batch has a negative BaseSequence",
        RecordBatchError.Empty => "records contain no batch",
        RecordBatchError.NullKeyInCompactedTopic => "compacted topic accepts only messages with a key",
        RecordBatchError.UnreadableRecords => "the records of the batch do not decompress or parse",
        RecordBatchError.LogAppendTimeFromClient => "producers may not set the LogAppendTime timestamp type",
        RecordBatchError.BatchTooLarge => "record batch is larger than the maximum batch size",
        _ => error.ToString(),
    };
}
