namespace FastLog.Storage.Policy;

/// <summary>When the active segment is closed and a new one started (pure logic).</summary>
internal static class SegmentRollPolicy
{
    /// <summary>Index positions are i32: no segment may reach 2 GiB.</summary>
    public const long MaxSegmentBytes = int.MaxValue;

    /// <summary>
    /// True when appending <paramref name="incomingBytes"/> ending at <paramref name="incomingLastOffset"/>
    /// (largest batch timestamp <paramref name="incomingMaxTimestamp"/>) must go to a new segment: it
    /// would push a non-empty segment past segment.bytes, or its offsets would not fit the indexes'
    /// i32 relative offsets, or the segment spans segment.ms. An empty segment takes any batch (a
    /// batch larger than segment.bytes still has to live somewhere).
    /// </summary>
    public static bool ShouldRollForAppend(
        SegmentSummary active, int incomingBytes, long incomingLastOffset, long incomingMaxTimestamp, StorageOptions options, long nowMs)
    {
        if (active.IsEmpty)
        {
            return false;
        }

        var limit = Math.Min(options.SegmentBytes, MaxSegmentBytes);
        return active.SizeBytes + incomingBytes > limit
            || incomingLastOffset - active.BaseOffset > int.MaxValue
            || TimeWaitedForRoll(active, incomingMaxTimestamp, nowMs) >= (long)options.SegmentAge.TotalMilliseconds;
    }

    /// <summary>
    /// True when housekeeping should roll the active segment with no append pending: all of it is
    /// past retention.ms, so retention (which only deletes closed segments) can free it; or, on a
    /// compacted topic, its first batch is past max.compaction.lag.ms, so the cleaner (which never
    /// touches the active segment) can reach it (Kafka, KIP-354).
    /// </summary>
    public static bool ShouldRollIdle(SegmentSummary active, StorageOptions options, long nowMs) =>
        !active.IsEmpty
        && ((options.Compaction is null or { AlsoDelete: true } && options.RetentionAge is { } retention && active.MaxTimestamp >= 0
                && nowMs - active.MaxTimestamp > (long)retention.TotalMilliseconds)
            || (options.Compaction?.MaxCompactionLag is { } maxLag && active.FirstTimestamp >= 0
                && nowMs - active.FirstTimestamp > (long)maxLag.TotalMilliseconds));

    /// <summary>
    /// Kafka's measure for segment.ms: with batch timestamps, how far the incoming batch's timestamp
    /// is past the segment's first one (so replaying old data does not roll on every append); without,
    /// how long the segment has been open.
    /// </summary>
    private static long TimeWaitedForRoll(SegmentSummary segment, long incomingMaxTimestamp, long nowMs) =>
        segment.FirstTimestamp >= 0 ? incomingMaxTimestamp - segment.FirstTimestamp : nowMs - segment.OpenedUnixMs;
}
