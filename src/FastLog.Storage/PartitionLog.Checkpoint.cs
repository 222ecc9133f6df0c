using FastLog.Storage.Recovery;

namespace FastLog.Storage;

/// <summary>Writing the recovery checkpoint (format and rules: <see cref="PartitionCheckpoint"/>).</summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Records the active segment's committed end as durable and verified: syncs the log up to it,
    /// persists the index entries (a sealed segment did both when it was sealed), then writes the next checkpoint slot and syncs it. Runs only in
    /// the writer loop (or while opening), so nothing is appended in between.
    /// </summary>
    private async ValueTask WriteCheckpointAsync(bool clean)
    {
        var active = Active;
        var position = active.Size;
        var nextOffset = active.NextOffset;
        if (active.Appender is { } appender)
        {
            await appender.SyncAsync();
            await active.PersistIndexesAsync(_io);
        }
        var checkpoint = new PartitionCheckpoint(
            ++_checkpointSequence, clean, LogStartOffset, active.BaseOffset, position, nextOffset, active.Indexer.State);
        var slot = new byte[PartitionCheckpoint.SlotSize];
        checkpoint.Write(slot);
        var written = await _io.WriteAsync(_checkpointFile, slot, checkpoint.SlotOffset);
        if (written != slot.Length)
        {
            throw new IOException($"Short checkpoint write: {written} of {slot.Length} bytes.");
        }

        await _io.DataSyncAsync(_checkpointFile);
        _lastCheckpointMs = _options.UnixTimeMs();
        _checkpointDirty = false;
    }
}
