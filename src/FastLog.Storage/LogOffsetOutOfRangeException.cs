namespace FastLog.Storage;

/// <summary>
/// A read named an offset outside [LogStartOffset, LogEndOffset], or DeleteRecords one outside
/// [LogStartOffset, HighWatermark]: Kafka's OFFSET_OUT_OF_RANGE. Carries the LogStartOffset and
/// the high watermark so the broker can answer (and consumers reset).
/// </summary>
public sealed class LogOffsetOutOfRangeException : Exception
{
    public LogOffsetOutOfRangeException(long offset, long logStartOffset, long highWatermark)
        : base($"Offset {offset} is out of range (LogStartOffset {logStartOffset}, HighWatermark {highWatermark}).")
    {
        Offset = offset;
        LogStartOffset = logStartOffset;
        HighWatermark = highWatermark;
    }

    public long Offset { get; }

    public long LogStartOffset { get; }

    public long HighWatermark { get; }
}
