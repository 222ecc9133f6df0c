namespace FastLog.Storage;

/// <summary>Who moves a partition's high watermark (the offset below which consumers may read).</summary>
public enum HighWatermarkMode
{
    /// <summary>
    /// A single copy: the high watermark is the log end, so every committed batch is readable at
    /// once (committed: durable in <see cref="DurabilityMode.Durable"/>, written in
    /// <see cref="DurabilityMode.Interval"/>).
    /// </summary>
    FollowsLogEnd,

    /// <summary>
    /// Replication: the owner moves it with <see cref="PartitionLog.AdvanceHighWatermark"/> (a
    /// leader to the smallest log end over the ISR, a follower to its leader's), and the log keeps
    /// it in its checkpoint so a restart starts from it rather than from the LogStartOffset.
    /// </summary>
    SetByOwner,
}
