namespace FastLog.Storage.Write;

/// <summary>
/// An item of a partition's writer queue: appends, and the maintenance operations (roll,
/// retention, DeleteRecords, close) that must not interleave with them. The writer loop runs
/// items strictly in queue order, one at a time, on the partition's shard.
/// </summary>
internal abstract class PendingWork
{
    /// <summary>Completes the item's awaiter with <paramref name="error"/> (the item will not run).</summary>
    public abstract void Fail(Exception error);
}
