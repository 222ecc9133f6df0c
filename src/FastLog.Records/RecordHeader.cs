namespace FastLog.Records;

/// <summary>One header of a record: a UTF-8 key and a value (null allowed, as in Kafka).</summary>
public readonly record struct RecordHeader(string Key, byte[]? Value);
