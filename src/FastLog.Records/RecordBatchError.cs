namespace FastLog.Records;

/// <summary>
/// Why a RecordBatch was refused. <see cref="RecordBatchErrorExtensions.Kind"/> groups
/// these into the Kafka error the broker answers with.
/// </summary>
public enum RecordBatchError
{
    None = 0,

    // Structural: CORRUPT_MESSAGE.
    /// <summary>Fewer bytes than the header or than Length announces.</summary>
    Truncated,
    /// <summary>Length smaller than a bare header (49).</summary>
    LengthBelowMinimum,
    /// <summary>Magic byte is not 2 (FastLog stores v2 batches only).</summary>
    UnsupportedMagic,
    /// <summary>Stored CRC-32C does not match bytes 21..end.</summary>
    CrcMismatch,
    /// <summary>Compression codec id above 4 (zstd).</summary>
    UnknownCompressionCodec,

    // Producer rules Kafka applies to v2 batches from clients: INVALID_RECORD.
    /// <summary>RecordCount is zero or negative.</summary>
    InvalidRecordCount,
    /// <summary>LastOffsetDelta + 1 differs from RecordCount.</summary>
    InconsistentLastOffsetDelta,
    /// <summary>Clients may not write control batches.</summary>
    ControlBatchFromClient,
    /// <summary>Idempotent batch (ProducerId >= 0) with a negative BaseSequence.</summary>
    InvalidSequence,
    /// <summary>No batch at all in the records.</summary>
    Empty,
    /// <summary>A record without a key sent to a compacted topic (cleanup.policy=compact): Kafka refuses it.</summary>
    NullKeyInCompactedTopic,
    /// <summary>The records inside the batch do not decompress or parse (checked where the broker must read them).</summary>
    UnreadableRecords,

    // INVALID_TIMESTAMP.
    /// <summary>Producers may not set the LogAppendTime bit themselves.</summary>
    LogAppendTimeFromClient,

    // MESSAGE_TOO_LARGE.
    /// <summary>Batch larger than the configured maximum.</summary>
    BatchTooLarge,
}
