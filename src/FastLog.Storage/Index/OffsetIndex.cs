namespace FastLog.Storage.Index;

/// <summary>
/// Sparse offset -> file position index of one segment (Kafka's <c>.index</c>): one entry
/// per ~<see cref="StorageOptions.IndexIntervalBytes"/> of log, each naming a batch start.
/// </summary>
internal sealed class OffsetIndex : SegmentIndex<OffsetIndexEntry>
{
    public OffsetIndex(long baseOffset)
        : base(baseOffset)
    {
    }

    public void Append(long batchBaseOffset, int position)
    {
        if (Count > 0 && position <= Last.Position)
        {
            throw new InvalidOperationException($"Index positions must increase: {position} after {Last.Position}.");
        }

        AppendEntry(new OffsetIndexEntry(ToRelative(batchBaseOffset), position));
    }

    /// <summary>
    /// The indexed batch start closest before <paramref name="offset"/>: the batch holding
    /// <paramref name="offset"/> starts at or after the returned position. With no entry at
    /// or below it, the segment start (BaseOffset, 0).
    /// </summary>
    public (long Offset, int Position) Lookup(long offset)
    {
        if (offset < BaseOffset)
        {
            return (BaseOffset, 0);
        }

        var i = FloorByKey(Math.Min(offset - BaseOffset, int.MaxValue));
        return i < 0 ? (BaseOffset, 0) : (BaseOffset + Entries[i].RelativeOffset, Entries[i].Position);
    }

    /// <summary>The indexed batch start at or before file position <paramref name="position"/> (segment start if none).</summary>
    public (long Offset, int Position) LookupByPosition(long position)
    {
        var i = Floor(position, static e => e.Position);
        return i < 0 ? (BaseOffset, 0) : (BaseOffset + Entries[i].RelativeOffset, Entries[i].Position);
    }

    /// <summary>
    /// Rebuilds the index from file bytes, keeping at most <paramref name="maxEntries"/> entries
    /// and only those that point below <paramref name="endPosition"/> and <paramref name="endOffset"/>
    /// (the verified end of the log).
    /// </summary>
    public static OffsetIndex Load(long baseOffset, ReadOnlySpan<byte> file, int maxEntries, long endOffset, long endPosition)
    {
        var index = new OffsetIndex(baseOffset);
        index.LoadEntries(file, maxEntries, e => baseOffset + e.RelativeOffset < endOffset && e.Position < endPosition);
        return index;
    }
}
