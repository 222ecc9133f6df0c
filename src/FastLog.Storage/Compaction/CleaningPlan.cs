using FastLog.Storage.Policy;

namespace FastLog.Storage.Compaction;

/// <summary>
/// Whether a compacted partition is due for cleaning and how far it may clean (pure logic, Kafka's
/// LogCleanerManager rules). The cleanable segments are a prefix of the closed ones: never the
/// active segment, never past the high watermark, and none whose newest batch is younger than
/// min.compaction.lag.ms. Among them, bytes below the first dirty offset are clean, the rest dirty;
/// cleaning is due when dirty / (clean + dirty) reaches min.cleanable.dirty.ratio, or when a dirty
/// segment's first batch is older than max.compaction.lag.ms.
/// </summary>
internal static class CleaningPlan
{
    public readonly record struct Verdict(int CleanableSegments, long DirtyBytes, double DirtyRatio, bool Due);

    public static Verdict Evaluate(IReadOnlyList<SegmentSummary> segments, long firstDirtyOffset, long highWatermark, CompactionOptions options, long nowMs)
    {
        var minLag = (long)options.MinCompactionLag.TotalMilliseconds;
        var cleanable = 0;
        while (cleanable < segments.Count - 1 && segments[cleanable].NextOffset <= highWatermark
            && (minLag <= 0 || nowMs - segments[cleanable].MaxTimestamp >= minLag))
        {
            cleanable++;
        }

        long clean = 0, dirty = 0;
        var overdue = false;
        for (var i = 0; i < cleanable; i++)
        {
            var segment = segments[i];
            if (segment.NextOffset <= firstDirtyOffset)
            {
                clean += segment.SizeBytes;
                continue;
            }

            dirty += segment.SizeBytes;
            overdue |= options.MaxCompactionLag is { } maxLag && segment.FirstTimestamp >= 0
                && nowMs - segment.FirstTimestamp > (long)maxLag.TotalMilliseconds;
        }

        var ratio = clean + dirty == 0 ? 0 : (double)dirty / (clean + dirty);
        return new Verdict(cleanable, dirty, ratio, dirty > 0 && (ratio >= options.MinCleanableDirtyRatio || overdue));
    }
}
