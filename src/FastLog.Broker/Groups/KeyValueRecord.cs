namespace FastLog.Broker.Groups;

/// <summary>One record of the offsets log: a key and a value (null = tombstone).</summary>
internal readonly record struct KeyValueRecord(byte[] Key, byte[]? Value);
