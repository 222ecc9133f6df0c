namespace FastLog.Storage;

/// <summary>
/// Where a partition log reports how long its write path takes, stage by stage (and corrupt batches it finds at rest), so an operator can
/// tell queueing from disk time (as Kafka's LogFlushRateAndTimeMs does for flushes). Called only
/// on the partition's owner shard, synchronously and often: implementations must be cheap and
/// must not block. Durations are Stopwatch ticks.
/// </summary>
public interface IStorageMetrics
{
    /// <summary>An append waited this long in the writer queue before its flush started (behind a write in flight, a roll or a checkpoint).</summary>
    void AppendQueued(long ticks);

    /// <summary>An append was committed (written, and synced in Durable mode) this long after it was queued.</summary>
    void AppendCommitted(long ticks);

    /// <summary>One segment write of <paramref name="bytes"/> took this long.</summary>
    void SegmentWritten(long ticks, long bytes);

    /// <summary>One fdatasync of a segment took this long.</summary>
    void SegmentSynced(long ticks);

    /// <summary>A stored batch failed its CRC-32C or structure check (scrub or index rebuild); its offsets are fenced from reads.</summary>
    void CorruptBatchFound();

    /// <summary>
    /// A log-cleaner pass ended: it read <paramref name="bytesCleaned"/> bytes of segments, freed
    /// <paramref name="bytesFreed"/> and removed <paramref name="recordsRemoved"/> records in <paramref name="elapsed"/>.
    /// </summary>
    void CleanerPassCompleted(long bytesCleaned, long bytesFreed, long recordsRemoved, TimeSpan elapsed)
    {
    }
}
