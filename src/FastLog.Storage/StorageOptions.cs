using FastLog.Storage.Compaction;

namespace FastLog.Storage;

/// <summary>
/// Per-partition storage settings (Kafka topic-config names in the comments). Immutable once a
/// partition log is opened with it.
/// </summary>
public sealed record StorageOptions
{
    /// <summary>segment.bytes: roll the active segment before it would exceed this. Capped below 2 GiB
    /// because index positions are i32.</summary>
    public long SegmentBytes { get; init; } = 1L << 30;

    /// <summary>segment.ms: roll a non-empty active segment older than this, so age retention can free it.</summary>
    public TimeSpan SegmentAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>retention.bytes: keep at most this many bytes of closed segments (-1 = unlimited).</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>retention.ms: delete closed segments whose newest batch is older than this (null = forever).</summary>
    public TimeSpan? RetentionAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// cleanup.policy includes compact: the log cleaner keeps the latest record of every key
    /// (PartitionLog.Compaction.cs), produce refuses records without a key, and age and size
    /// retention apply only with <see cref="CompactionOptions.AlsoDelete"/>. Null: delete only.
    /// </summary>
    public CompactionOptions? Compaction { get; init; }

    /// <summary>index.interval.bytes: log bytes between two offset-index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>message.max.bytes: largest batch an append accepts (Kafka's default).</summary>
    public int MaxBatchBytes { get; init; } = 1_048_588;

    /// <summary>
    /// Most bytes the records of one batch may decompress to where the broker must read them (the
    /// compacted-topic key check, the cleaner, a topic's compression.type): 64 times <see cref="MaxBatchBytes"/>, since the limit
    /// applies to the compressed batch and text compresses far better than 10:1 at times.
    /// </summary>
    internal int MaxDecompressedBytes => (int)Math.Min(int.MaxValue, MaxBatchBytes * 64L);

    /// <summary>message.timestamp.type=LogAppendTime: stamp batches with the broker's clock at append.</summary>
    public bool LogAppendTime { get; init; }

    /// <summary>When an append counts as done: see <see cref="DurabilityMode"/>.</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Durable;

    /// <summary>Who moves the high watermark: see <see cref="Storage.HighWatermarkMode"/>. Read at open only.</summary>
    public HighWatermarkMode HighWatermarkMode { get; init; } = HighWatermarkMode.FollowsLogEnd;

    /// <summary>Interval mode: how often appended data is fdatasync'ed.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most bytes one flush (one writev) takes from the append queue; one append is never split.</summary>
    public int MaxFlushBytes { get; init; } = 4 << 20;

    /// <summary>How many bytes of the newest batches stay in memory for tail reads.</summary>
    public int TailCacheBytes { get; init; } = 8 << 20;

    /// <summary>
    /// Most the active segment is preallocated (fallocate) ahead of the writer: a speed-up only. The
    /// reservation grows with the segment (never more ahead than it already holds, at least 1 MiB),
    /// so idle partitions hold little unused space, and shrinks to what a write needs when the disk runs short.
    /// </summary>
    public long PreallocateBytes { get; init; } = 64L << 20;

    /// <summary>How often (at most) the recovery checkpoint is rewritten while appending.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>log.retention.check.interval.ms: how often retention (and idle roll) runs on its own.</summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Skip O_DIRECT even where the filesystem supports it (tests of the buffered fallback).</summary>
    public bool ForceBufferedIo { get; init; }

    /// <summary>Shared by the partitions of one data directory so a full disk makes them all give back their reservations (null: none).</summary>
    public SpaceShortage? SpaceShortage { get; init; }

    /// <summary>
    /// Told once, on the owner shard, when the log faults after an I/O error (not a full disk): the
    /// broker takes the log's whole directory offline, since the disk under it is suspect (null: nobody).
    /// </summary>
    public Action<Exception>? Faulted { get; init; }

    /// <summary>Where the write path's stage timings go (null: not measured).</summary>
    public IStorageMetrics? Metrics { get; init; }

    /// <summary>Where notable events (I/O mode chosen, recovery truncation, corruption) are reported.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Where repairs that lose nothing (index files rebuilt) are reported (null: <see cref="Log"/>).</summary>
    public Action<string>? LogWarning { get; init; }

    /// <summary>Where damage that takes data out of service (quarantine, corrupt batches) is reported (null: <see cref="Log"/>).</summary>
    public Action<string>? LogError { get; init; }

    /// <summary>
    /// The background scrub's byte budget, shared by the partitions of one shard (null: no scrub).
    /// Closed segments are re-read at its rate and every batch's CRC-32C checked (PartitionLog.Scrub.cs).
    /// </summary>
    public ScrubBudget? Scrub { get; init; }

    /// <summary>Clock in Unix milliseconds (LogAppendTime, roll and retention by age); replaceable in tests.</summary>
    public Func<long> UnixTimeMs { get; init; } = static () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
