namespace FastLog.Storage.Index;

/// <summary>Resumable state of a <see cref="SegmentIndexer"/>, stored in the partition checkpoint.</summary>
internal readonly record struct IndexerState(
    int OffsetEntries,
    int TimeEntries,
    long MaxTimestamp,
    long OffsetOfMaxTimestamp,
    int BytesSinceLastEntry)
{
    public static IndexerState Empty => new(0, 0, -1, -1, 0);
}
