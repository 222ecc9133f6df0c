namespace FastLog.Storage;

/// <summary>
/// A completed append: the offsets assigned to its batches, the LogAppendTime stamped on them
/// (-1 for CreateTime topics) and the LogStartOffset at that moment (Kafka's produce response fields).
/// </summary>
public readonly record struct AppendResult(long BaseOffset, long LastOffset, long LogAppendTime, long LogStartOffset);
