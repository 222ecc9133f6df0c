namespace FastLog.Storage.Epochs;

/// <summary>
/// Kafka's LeaderEpochFileCache: for every leader epoch that wrote to this log, the offset of its
/// first batch, ascending in both. Replication asks it where a follower's log and its leader's part
/// (OffsetForLeaderEpoch, <see cref="EndOffsetFor"/>; KIP-101, KIP-279). Fed with every committed
/// batch's PartitionLeaderEpoch: an entry is added when a batch carries an epoch larger than the
/// latest one; <see cref="NoEpoch"/> (-1, what clients send and what a single node stamps) is never
/// recorded. Truncated with the log at either end. <see cref="PartitionLog"/> keeps it in
/// <see cref="LeaderEpochCheckpointFile"/> and rebuilds what the file lacks from batch headers at
/// recovery.
///
/// Owned by the partition's shard (no synchronization).
/// </summary>
internal sealed class LeaderEpochCache
{
    /// <summary>Kafka's UNDEFINED_EPOCH: a batch without a leader epoch, or an answer for an unknown epoch.</summary>
    public const int NoEpoch = -1;

    /// <summary>Kafka's UNDEFINED_EPOCH_OFFSET.</summary>
    public const long NoOffset = -1;

    private readonly List<EpochEntry> _entries;

    /// <param name="entries">Entries as saved (ascending epochs and start offsets), or none.</param>
    public LeaderEpochCache(IEnumerable<EpochEntry> entries)
    {
        _entries = [.. entries];
    }

    public IReadOnlyList<EpochEntry> Entries => _entries;

    /// <summary>The latest epoch recorded, or <see cref="NoEpoch"/>.</summary>
    public int LatestEpoch => _entries.Count > 0 ? _entries[^1].Epoch : NoEpoch;

    /// <summary>True when the entries changed since the cache was created or <see cref="MarkSaved"/> was called.</summary>
    public bool HasUnsavedChanges { get; private set; }

    /// <summary>
    /// A batch of <paramref name="epoch"/> starts at <paramref name="startOffset"/>: recorded when
    /// the epoch is newer than the latest entry. Entries that would no longer ascend (at or after
    /// <paramref name="startOffset"/>, which only a log truncated without its cache could leave) go
    /// first, as in Kafka.
    /// </summary>
    public void Assign(int epoch, long startOffset)
    {
        if (epoch <= LatestEpoch)
        {
            return;
        }

        TruncateFromEnd(startOffset);
        _entries.Add(new EpochEntry(epoch, startOffset));
        HasUnsavedChanges = true;
    }

    /// <summary>The log now ends at <paramref name="endOffset"/>: entries starting at or after it go.</summary>
    public void TruncateFromEnd(long endOffset)
    {
        var keep = _entries.FindIndex(e => e.StartOffset >= endOffset);
        if (keep >= 0)
        {
            _entries.RemoveRange(keep, _entries.Count - keep);
            HasUnsavedChanges = true;
        }
    }

    /// <summary>
    /// The log now starts at <paramref name="startOffset"/>: entries starting at or below it go,
    /// except that the last of them stays with its start moved up to <paramref name="startOffset"/>
    /// (its epoch wrote the first batch that remains).
    /// </summary>
    public void TruncateFromStart(long startOffset)
    {
        var below = _entries.FindLastIndex(e => e.StartOffset <= startOffset);
        if (below < 0 || (below == 0 && _entries[0].StartOffset == startOffset))
        {
            return;
        }

        var first = _entries[below] with { StartOffset = startOffset };
        _entries.RemoveRange(0, below);
        _entries[0] = first;
        HasUnsavedChanges = true;
    }

    /// <summary>
    /// OffsetForLeaderEpoch, Kafka's rules: for the latest epoch, (that epoch,
    /// <paramref name="logEndOffset"/>); for an older one, the latest epoch at or below it and the
    /// start offset of the first epoch after it; for one below every entry, (the requested epoch,
    /// the first entry's start: what was before has been deleted, a follower copies from there);
    /// for <see cref="NoEpoch"/>, one above every entry or an empty cache,
    /// (<see cref="NoEpoch"/>, <see cref="NoOffset"/>).
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int epoch, long logEndOffset)
    {
        if (epoch < 0 || _entries.Count == 0 || epoch > LatestEpoch)
        {
            return (NoEpoch, NoOffset);
        }

        if (epoch == LatestEpoch)
        {
            return (epoch, logEndOffset);
        }

        var next = _entries.FindIndex(e => e.Epoch > epoch);
        return next == 0 ? (epoch, _entries[0].StartOffset) : (_entries[next - 1].Epoch, _entries[next].StartOffset);
    }

    /// <summary>The entries as they are now are in the checkpoint file.</summary>
    public void MarkSaved() => HasUnsavedChanges = false;
}
