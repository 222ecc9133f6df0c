namespace FastLog.Storage;

/// <summary>
/// A read or DeleteRecords named an offset outside [LogStartOffset, HighWatermark]: Kafka's
/// OFFSET_OUT_OF_RANGE. Carries both bounds so the broker can answer (and consumers reset).
/// </summary>
public sealed class LogOffsetOutOfRangeException : Exception
{
    public LogOffsetOutOfRangeException(long offset, long logStartOffset, long highWatermark)
        : base($"Offset {offset} is outside the log [{logStartOffset}, {highWatermark}].")
    {
        Offset = offset;
        LogStartOffset = logStartOffset;
        HighWatermark = highWatermark;
    }

    public long Offset { get; }

    public long LogStartOffset { get; }

    public long HighWatermark { get; }
}
