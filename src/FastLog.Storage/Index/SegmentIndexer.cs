namespace FastLog.Storage.Index;

/// <summary>
/// Feeds one segment's <see cref="OffsetIndex"/> and <see cref="TimeIndex"/> as batches are
/// appended or re-scanned at recovery, so both paths index identically: an entry for the
/// first batch, then one whenever at least IndexIntervalBytes of log went by since the last.
/// Also tracks the segment's MaxTimestamp (retention by age). Owned by the partition's shard.
/// </summary>
internal sealed class SegmentIndexer
{
    private readonly int _intervalBytes;
    private int _bytesSinceLastEntry;

    public SegmentIndexer(long baseOffset, int intervalBytes)
        : this(new OffsetIndex(baseOffset), new TimeIndex(baseOffset), intervalBytes, IndexerState.Empty)
    {
    }

    public SegmentIndexer(OffsetIndex offsets, TimeIndex times, int intervalBytes, IndexerState state)
    {
        Offsets = offsets;
        Times = times;
        _intervalBytes = intervalBytes;
        _bytesSinceLastEntry = state.BytesSinceLastEntry;
        MaxTimestamp = state.MaxTimestamp;
        OffsetOfMaxTimestamp = state.OffsetOfMaxTimestamp;
    }

    public OffsetIndex Offsets { get; }

    public TimeIndex Times { get; }

    /// <summary>Largest batch MaxTimestamp in the segment so far (-1 when none).</summary>
    public long MaxTimestamp { get; private set; }

    /// <summary>BaseOffset of the first batch that reached <see cref="MaxTimestamp"/>.</summary>
    public long OffsetOfMaxTimestamp { get; private set; }

    /// <summary>Everything needed to resume indexing exactly where a checkpoint left off.</summary>
    public IndexerState State => new(Offsets.Count, Times.Count, MaxTimestamp, OffsetOfMaxTimestamp, _bytesSinceLastEntry);

    /// <summary>
    /// Adds a final time-index entry for the segment's MaxTimestamp if the sparse entries missed it,
    /// so a closed segment's newest timestamp is its last time-index entry (what retention reads back).
    /// </summary>
    public void CompleteTimeIndex()
    {
        if (MaxTimestamp >= 0)
        {
            Times.MaybeAppend(MaxTimestamp, OffsetOfMaxTimestamp);
        }
    }

    public void OnBatch(long baseOffset, long maxTimestamp, int position, int size)
    {
        if (maxTimestamp > MaxTimestamp)
        {
            MaxTimestamp = maxTimestamp;
            OffsetOfMaxTimestamp = baseOffset;
        }

        if (Offsets.Count == 0 || _bytesSinceLastEntry >= _intervalBytes)
        {
            Offsets.Append(baseOffset, position);
            if (MaxTimestamp >= 0)
            {
                Times.MaybeAppend(MaxTimestamp, OffsetOfMaxTimestamp);
            }

            _bytesSinceLastEntry = 0;
        }

        _bytesSinceLastEntry += size;
    }
}
