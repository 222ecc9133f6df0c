namespace FastLog.Broker.Records;

/// <summary>One record of a <see cref="PlainRecordBatch"/>: a key and a value (null = tombstone in a compacted log).</summary>
public readonly record struct KeyValueRecord(byte[] Key, byte[]? Value);
