namespace FastLog.Records;

/// <summary>
/// One record for <see cref="RecordBatchBuilder"/>: key and value (null key = none, null value =
/// tombstone in a compacted log), its timestamp as a delta from the batch's FirstTimestamp, and
/// its headers (null = none).
/// </summary>
public readonly record struct KeyValueRecord(byte[]? Key, byte[]? Value, long TimestampDelta = 0, IReadOnlyList<RecordHeader>? Headers = null);
