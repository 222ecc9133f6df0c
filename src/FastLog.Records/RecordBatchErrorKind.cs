namespace FastLog.Records;

/// <summary>The Kafka error a <see cref="RecordBatchError"/> maps to (the broker owns the codes).</summary>
public enum RecordBatchErrorKind
{
    None = 0,
    /// <summary>CORRUPT_MESSAGE (2).</summary>
    CorruptMessage,
    /// <summary>INVALID_RECORD (87).</summary>
    InvalidRecord,
    /// <summary>INVALID_TIMESTAMP (32).</summary>
    InvalidTimestamp,
    /// <summary>MESSAGE_TOO_LARGE (10).</summary>
    MessageTooLarge,
}
