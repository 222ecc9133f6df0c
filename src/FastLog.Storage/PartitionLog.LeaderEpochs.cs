using FastLog.Storage.Epochs;

namespace FastLog.Storage;

/// <summary>
/// The leader epoch of every batch, as Kafka's log keeps it (<see cref="LeaderEpochCache"/>):
/// recorded at commit, truncated with the log, saved in <see cref="LeaderEpochCheckpointFile"/>
/// before each checkpoint that covers it, and completed from batch headers at recovery.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// (epoch, start offset) of every leader epoch whose batches are in the log, ascending. On a
    /// single node, where batches carry no leader epoch (-1), it stays empty. Owner shard only.
    /// </summary>
    public IReadOnlyList<EpochEntry> LeaderEpochs => _epochs.Entries;

    /// <summary>
    /// OffsetForLeaderEpoch for this log: the end offset of <paramref name="epoch"/> (the start of
    /// the next epoch; the <see cref="LogEndOffset"/> for the latest one) with the epoch it belongs
    /// to; (-1, -1) for an unknown epoch. See <see cref="LeaderEpochCache.EndOffsetFor"/>.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int epoch) => _epochs.EndOffsetFor(epoch, LogEndOffset);

    /// <summary>
    /// The epochs saved at the last checkpoint, or none. An unreadable file is reported and
    /// <paramref name="rebuild"/> set: the cache is then rebuilt from every batch once the log is open.
    /// </summary>
    private static LeaderEpochCache LoadLeaderEpochs(string directory, Action<string>? report, out bool rebuild)
    {
        rebuild = false;
        try
        {
            return new LeaderEpochCache(LeaderEpochCheckpointFile.Load(directory) ?? []);
        }
        catch (InvalidDataException error)
        {
            report?.Invoke($"CORRUPTION: {error.Message} Rebuilding the leader epochs from every batch of the log");
            rebuild = true;
            return new LeaderEpochCache([]);
        }
    }

    /// <summary>Opening with an unreadable epoch file: every batch from the LogStartOffset on, in order.</summary>
    private async ValueTask RebuildLeaderEpochsAsync()
    {
        // The recovery scan already fed in the tail's epochs: start over, in log order.
        _epochs.TruncateFromEnd(0);
        await ReplayBatchesAsync(LogStartOffset, header => _epochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset), "leader epoch");
        _epochs.TruncateFromStart(LogStartOffset);
    }

    /// <summary>
    /// Writes the epoch file when entries changed (rare: a new leader epoch, a truncation). Part of
    /// every checkpoint and before its slot, so the file covers every batch the checkpoint lets
    /// recovery skip; off the shard since it is blocking file I/O. Runs in the writer loop (or while
    /// opening), which is what changes the entries, so none change meanwhile.
    /// </summary>
    private async ValueTask SaveLeaderEpochsAsync()
    {
        if (!_epochs.HasUnsavedChanges)
        {
            return;
        }

        var entries = _epochs.Entries.ToArray();
        await Task.Run(() => LeaderEpochCheckpointFile.Save(Directory, entries));
        _epochs.MarkSaved();
    }
}
