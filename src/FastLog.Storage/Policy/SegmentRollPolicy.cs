namespace FastLog.Storage.Policy;

/// <summary>When the active segment is closed and a new one started (pure logic).</summary>
internal static class SegmentRollPolicy
{
    /// <summary>Index positions are i32: no segment may reach 2 GiB.</summary>
    public const long MaxSegmentBytes = int.MaxValue;

    /// <summary>
    /// True when appending <paramref name="incomingBytes"/> ending at <paramref name="incomingLastOffset"/>
    /// must go to a new segment: it would push a non-empty segment past segment.bytes, or its
    /// offsets would not fit the indexes' i32 relative offsets, or the segment is older than
    /// segment.ms. An empty segment takes any batch (a batch larger than segment.bytes still
    /// has to live somewhere).
    /// </summary>
    public static bool ShouldRollForAppend(SegmentSummary active, int incomingBytes, long incomingLastOffset, StorageOptions options, long nowMs)
    {
        if (active.IsEmpty)
        {
            return false;
        }

        var limit = Math.Min(options.SegmentBytes, MaxSegmentBytes);
        return active.SizeBytes + incomingBytes > limit
            || incomingLastOffset - active.BaseOffset > int.MaxValue
            || IsOlderThan(active, options.SegmentAge, nowMs);
    }

    /// <summary>
    /// True when housekeeping should roll the active segment with no append pending: it is past
    /// segment.ms, or all of it is past retention.ms, so retention (which only deletes closed
    /// segments) can free it.
    /// </summary>
    public static bool ShouldRollIdle(SegmentSummary active, StorageOptions options, long nowMs) =>
        !active.IsEmpty
        && (IsOlderThan(active, options.SegmentAge, nowMs)
            || (options.RetentionAge is { } retention && active.MaxTimestamp >= 0
                && nowMs - active.MaxTimestamp > (long)retention.TotalMilliseconds));

    private static bool IsOlderThan(SegmentSummary segment, TimeSpan age, long nowMs)
    {
        var start = segment.FirstTimestamp >= 0 ? segment.FirstTimestamp : segment.OpenedUnixMs;
        return nowMs - start >= (long)age.TotalMilliseconds;
    }
}
