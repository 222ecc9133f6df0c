namespace FastLog.Storage.Index;

/// <summary>
/// Sparse timestamp -> offset index of one segment (Kafka's <c>.timeindex</c>), used by
/// ListOffsets. Timestamps strictly increase along it: an entry is added only when the
/// segment's running MaxTimestamp grows.
/// </summary>
internal sealed class TimeIndex : SegmentIndex<TimeIndexEntry>
{
    public TimeIndex(long baseOffset)
        : base(baseOffset)
    {
    }

    /// <summary>Adds (timestamp, offset) unless <paramref name="timestamp"/> does not exceed the last entry's.</summary>
    public void MaybeAppend(long timestamp, long batchBaseOffset)
    {
        if (Count == 0 || timestamp > Last.Timestamp)
        {
            AppendEntry(new TimeIndexEntry(timestamp, ToRelative(batchBaseOffset)));
        }
    }

    /// <summary>
    /// The entry with the largest timestamp &lt;= <paramref name="timestamp"/>: every batch before its
    /// offset has MaxTimestamp below it, so a search for the first batch with MaxTimestamp &gt;=
    /// <paramref name="timestamp"/> can start there. With no such entry, (-1, BaseOffset).
    /// </summary>
    public (long Timestamp, long Offset) Lookup(long timestamp)
    {
        var i = FloorByKey(timestamp);
        return i < 0 ? (-1, BaseOffset) : (Entries[i].Timestamp, BaseOffset + Entries[i].RelativeOffset);
    }

    /// <summary>Rebuilds the index from file bytes, keeping at most <paramref name="maxEntries"/> entries below <paramref name="endOffset"/>.</summary>
    public static TimeIndex Load(long baseOffset, ReadOnlySpan<byte> file, int maxEntries, long endOffset)
    {
        var index = new TimeIndex(baseOffset);
        index.LoadEntries(file, maxEntries, e => baseOffset + e.RelativeOffset < endOffset);
        return index;
    }
}
