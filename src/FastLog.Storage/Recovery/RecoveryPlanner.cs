using FastLog.Storage.Index;

namespace FastLog.Storage.Recovery;

/// <summary>
/// Decides, from the segments on disk and the newest valid <see cref="PartitionCheckpoint"/>,
/// which segments are trusted and which must be scanned. After a clean shutdown nothing is
/// scanned; after a crash only the checkpoint's segment from the checkpointed position on, and
/// any segment rolled after it; with no usable checkpoint, everything.
/// </summary>
internal static class RecoveryPlanner
{
    public static List<SegmentRecovery> Plan(IReadOnlyList<long> segmentBaseOffsets, PartitionCheckpoint? checkpoint)
    {
        var plan = new List<SegmentRecovery>(segmentBaseOffsets.Count);
        var anchor = checkpoint is { } cp && Contains(segmentBaseOffsets, cp.SegmentBaseOffset) ? cp : (PartitionCheckpoint?)null;
        for (var i = 0; i < segmentBaseOffsets.Count; i++)
        {
            var baseOffset = segmentBaseOffsets[i];
            var isLast = i == segmentBaseOffsets.Count - 1;
            if (anchor is not { } a)
            {
                plan.Add(ScanWhole(baseOffset));
            }
            else if (baseOffset < a.SegmentBaseOffset)
            {
                plan.Add(new SegmentRecovery(baseOffset, SegmentRecoveryAction.Trusted, 0, baseOffset, IndexerState.Empty));
            }
            else if (baseOffset == a.SegmentBaseOffset)
            {
                var action = a.CleanShutdown && isLast ? SegmentRecoveryAction.CleanTail : SegmentRecoveryAction.ScanFromCheckpoint;
                plan.Add(new SegmentRecovery(baseOffset, action, a.SegmentPosition, a.NextOffset, a.Indexer));
            }
            else
            {
                plan.Add(ScanWhole(baseOffset));
            }
        }

        return plan;
    }

    private static SegmentRecovery ScanWhole(long baseOffset) =>
        new(baseOffset, SegmentRecoveryAction.ScanAll, 0, baseOffset, IndexerState.Empty);

    private static bool Contains(IReadOnlyList<long> list, long value)
    {
        foreach (var item in list)
        {
            if (item == value)
            {
                return true;
            }
        }

        return false;
    }
}
