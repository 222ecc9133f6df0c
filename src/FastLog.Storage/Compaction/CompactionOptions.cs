namespace FastLog.Storage.Compaction;

/// <summary>
/// Log compaction settings of a topic whose cleanup.policy includes <c>compact</c> (Kafka's topic
/// config names and defaults in the comments). A <see cref="StorageOptions"/> without them is a
/// delete-only topic. Immutable.
/// </summary>
public sealed record CompactionOptions
{
    /// <summary>cleanup.policy=compact,delete: age and size retention also apply. Compact alone: never deleted by age or size.</summary>
    public bool AlsoDelete { get; init; }

    /// <summary>delete.retention.ms (1 day): how long a tombstone stays after the cleaner first reached it.</summary>
    public TimeSpan DeleteRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>min.compaction.lag.ms (0): a record stays uncompacted at least this long after it was written (segment granularity).</summary>
    public TimeSpan MinCompactionLag { get; init; } = TimeSpan.Zero;

    /// <summary>max.compaction.lag.ms (Long.MAX_VALUE = null): a record is compacted at most this long after it was written, whatever the dirty ratio.</summary>
    public TimeSpan? MaxCompactionLag { get; init; }

    /// <summary>min.cleanable.dirty.ratio (0.5): clean when dirty bytes / all cleanable bytes reach this.</summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    /// <summary>
    /// Most bytes of the key-hash -> offset map one cleaning uses (the shard's share of Kafka's
    /// log.cleaner.dedupe.buffer.size: each shard cleans one partition at a time): 24 bytes a slot,
    /// filled to 90 % (log.cleaner.io.buffer.load.factor), so 16 MiB maps about 629,000 distinct keys
    /// per pass. A pass allocates only what its dirty section could need (3 bytes per dirty byte, at least 1 MiB).
    /// </summary>
    public int OffsetMapBytes { get; init; } = 16 << 20;

    /// <summary>log.cleaner.backoff.ms (15 s): how often a partition checks whether it is due for cleaning.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Log bytes one cleaner slice reads and processes before yielding the shard to other work.</summary>
    public int SliceBytes { get; init; } = 64 * 1024;
}
