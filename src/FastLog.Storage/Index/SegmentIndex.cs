namespace FastLog.Storage.Index;

/// <summary>
/// A sparse, sorted, in-memory index of one segment, persisted as a flat array of
/// <typeparamref name="TEntry"/> (see the entry types for the byte layout). Entries are only
/// ever appended; the file is written incrementally from <see cref="PersistedCount"/> on.
/// Indexes carry no checksum: after an unclean stop, entries past the last checkpoint are
/// rebuilt from the log. Owned by the partition's shard; not thread-safe.
/// </summary>
internal abstract class SegmentIndex<TEntry>
    where TEntry : struct, IIndexEntry<TEntry>
{
    private TEntry[] _entries = new TEntry[16];

    protected SegmentIndex(long baseOffset)
    {
        BaseOffset = baseOffset;
    }

    public long BaseOffset { get; }

    public int Count { get; private set; }

    /// <summary>Entries already written to the index file (by <see cref="WriteTo"/>'s caller).</summary>
    public int PersistedCount { get; set; }

    public ReadOnlySpan<TEntry> Entries => _entries.AsSpan(0, Count);

    public TEntry Last => Count == 0 ? throw new InvalidOperationException("The index is empty.") : _entries[Count - 1];

    /// <summary>Bytes of the entries not yet persisted.</summary>
    public int UnpersistedBytes => (Count - PersistedCount) * TEntry.Size;

    protected void AppendEntry(TEntry entry)
    {
        if (Count > 0 && (entry.Key <= _entries[Count - 1].Key || entry.RelativeOffset < _entries[Count - 1].RelativeOffset))
        {
            throw new InvalidOperationException($"Index entries must increase: {entry} after {_entries[Count - 1]}.");
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[Count++] = entry;
    }

    /// <summary>Index of the last entry whose Key is &lt;= <paramref name="key"/>, or -1.</summary>
    protected int FloorByKey(long key) => Floor(key, static e => e.Key);

    /// <summary>
    /// Index of the last entry whose <paramref name="selector"/> value is &lt;= <paramref name="target"/>,
    /// or -1; the selected value must not decrease along the index.
    /// </summary>
    protected int Floor(long target, Func<TEntry, long> selector)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (selector(_entries[mid]) <= target)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>Serializes entries [<paramref name="fromEntry"/>, Count) into <paramref name="destination"/>; returns bytes written.</summary>
    public int WriteTo(Span<byte> destination, int fromEntry)
    {
        var size = TEntry.Size;
        for (var i = fromEntry; i < Count; i++)
        {
            _entries[i].Write(destination[((i - fromEntry) * size)..]);
        }

        return (Count - fromEntry) * size;
    }

    /// <summary>
    /// Loads up to <paramref name="maxEntries"/> entries from index file bytes, stopping at the
    /// first entry that does not increase (zero fill or a torn write) or that
    /// <paramref name="plausible"/> rejects (points past the verified log). Returns how many were loaded.
    /// </summary>
    protected int LoadEntries(ReadOnlySpan<byte> file, int maxEntries, Predicate<TEntry> plausible)
    {
        var size = TEntry.Size;
        var available = Math.Min(file.Length / size, maxEntries);
        for (var i = 0; i < available; i++)
        {
            var entry = TEntry.Read(file[(i * size)..]);
            if (entry.RelativeOffset < 0 || !plausible(entry)
                || (Count > 0 && (entry.Key <= _entries[Count - 1].Key || entry.RelativeOffset < _entries[Count - 1].RelativeOffset)))
            {
                break;
            }

            AppendEntry(entry);
        }

        PersistedCount = Count;
        return Count;
    }

    protected int ToRelative(long offset)
    {
        var relative = offset - BaseOffset;
        if (relative < 0 || relative > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Offset is outside segment {BaseOffset}'s relative range.");
        }

        return (int)relative;
    }
}
