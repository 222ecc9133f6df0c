using FastLog.Storage.Producers;

namespace FastLog.Storage;

/// <summary>
/// The partition's idempotent-producer state, kept with the log it describes (Kafka's
/// ProducerStateManager, recovered by its LogLoader): rebuilt at open, snapshotted at clean close.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Idempotent-producer state of this partition, complete for the whole log when
    /// <see cref="OpenAsync(string, StorageOptions?)"/> returns. The produce path checks batches
    /// against it and completes them; call on the owner shard only.
    /// </summary>
    public ProducerStateTable Producers { get; } = new();

    /// <summary>
    /// Rebuilds <see cref="Producers"/> at open: the snapshot (if any), then every batch after it,
    /// or without a snapshot the active segment's batches (older producers are then unknown and get
    /// UNKNOWN_PRODUCER_ID, which makes the client bump its epoch).
    /// </summary>
    private async ValueTask RestoreProducerStateAsync()
    {
        var snapshot = ProducerStateSnapshot.Load(Directory);
        if (snapshot is not null && snapshot.EndOffset > LogEndOffset)
        {
            // It describes batches the log no longer holds (a truncation did not get to delete it).
            Log($"producer state snapshot at offset {snapshot.EndOffset} is past the log end {LogEndOffset}; ignored");
            snapshot = null;
        }

        if (snapshot is not null)
        {
            Producers.Restore(snapshot.Producers);
        }

        var from = Math.Max(snapshot?.EndOffset ?? ActiveSegmentBaseOffset, LogStartOffset);
        await ReplayBatchesAsync(from, Producers.Replay, "producer state");
    }

    /// <summary>
    /// Writes the snapshot as of the log end (clean close, once the log is sealed: everything below
    /// it is durable), off the shard since it is blocking file I/O. A failure is only reported: the
    /// next open replays from the previous snapshot or the active segment instead.
    /// </summary>
    private async ValueTask SaveProducerStateAsync()
    {
        var snapshot = new ProducerStateSnapshot(LogEndOffset, Producers.Snapshot());
        try
        {
            await Task.Run(() => snapshot.Save(Directory));
        }
        catch (IOException error)
        {
            Log($"producer state snapshot not written: {error.Message}");
        }
    }
}
