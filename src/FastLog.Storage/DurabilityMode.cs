namespace FastLog.Storage;

/// <summary>When an append's ValueTask completes (and the high watermark moves).</summary>
public enum DurabilityMode
{
    /// <summary>After fdatasync of the data: one fdatasync covers every append of a loop turn (group commit).</summary>
    Durable,

    /// <summary>After the write completes; fdatasync runs every <see cref="StorageOptions.FlushInterval"/>,
    /// so a machine crash (not a process crash) can lose that much acknowledged data, as in Kafka's default.</summary>
    Interval,
}
