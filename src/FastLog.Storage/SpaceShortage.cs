namespace FastLog.Storage;

/// <summary>
/// Shared by the partitions of one data directory: a partition whose write found the disk full
/// signals it, and every partition's housekeeping then gives back the space it had reserved ahead
/// of its writer (<see cref="StorageOptions.PreallocateBytes"/>), so reservations of idle
/// partitions never keep the busy ones from appending.
/// Threads: any shard signals and reads; <see cref="Generation"/> only grows (Interlocked/Volatile).
/// </summary>
public sealed class SpaceShortage
{
    private long _generation;

    /// <summary>Grows by one with each signal: a partition compares it with the last one it acted on.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public void Signal() => Interlocked.Increment(ref _generation);
}
