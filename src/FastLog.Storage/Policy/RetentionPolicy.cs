namespace FastLog.Storage.Policy;

/// <summary>
/// Which whole segments retention may delete (pure logic, Kafka's rules): always a prefix of
/// the oldest segments, never the active (last) one.
/// </summary>
internal static class RetentionPolicy
{
    /// <summary>
    /// How many of the oldest <paramref name="segments"/> (ascending, active last) to delete: those
    /// entirely below <paramref name="logStartOffset"/>, those whose newest batch is older than
    /// retention.ms, and as many as needed to bring the total size within retention.bytes — but
    /// only segments wholly below <paramref name="highWatermark"/> (Kafka's rule: what the ISR has
    /// not confirmed is not deleted, so the LogStartOffset never passes the high watermark).
    /// </summary>
    public static int DeletableSegments(IReadOnlyList<SegmentSummary> segments, long logStartOffset, long highWatermark, StorageOptions options, long nowMs)
    {
        var closed = segments.Count - 1;
        while (closed > 0 && segments[closed - 1].NextOffset > highWatermark)
        {
            closed--;
        }

        var byStart = 0;
        while (byStart < closed && segments[byStart].NextOffset <= logStartOffset)
        {
            byStart++;
        }

        // cleanup.policy=compact alone: only the LogStartOffset (DeleteRecords) deletes; compact,delete does both.
        var timeAndSize = options.Compaction is null || options.Compaction.AlsoDelete;
        var byAge = 0;
        if (timeAndSize && options.RetentionAge is { } retention)
        {
            var limit = (long)retention.TotalMilliseconds;
            while (byAge < closed && nowMs - segments[byAge].MaxTimestamp > limit)
            {
                byAge++;
            }
        }

        var bySize = 0;
        if (timeAndSize && options.RetentionBytes >= 0)
        {
            long total = 0;
            foreach (var segment in segments)
            {
                total += segment.SizeBytes;
            }

            // Kafka's rule: a segment goes only if what remains still holds retention.bytes,
            // so the retained size never drops below the limit.
            while (bySize < closed && total - segments[bySize].SizeBytes >= options.RetentionBytes)
            {
                total -= segments[bySize].SizeBytes;
                bySize++;
            }
        }

        return Math.Max(byStart, Math.Max(byAge, bySize));
    }

    /// <summary>
    /// The LogStartOffset after a DeleteRecords to <paramref name="requested"/>: never backwards, and
    /// never past the high watermark (Kafka answers OFFSET_OUT_OF_RANGE then: returns false).
    /// </summary>
    public static bool TryAdvanceLogStart(long current, long requested, long highWatermark, out long newLogStart)
    {
        newLogStart = current;
        if (requested < 0 || requested > highWatermark)
        {
            return false;
        }

        newLogStart = Math.Max(current, requested);
        return true;
    }
}
