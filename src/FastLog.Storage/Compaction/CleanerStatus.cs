namespace FastLog.Storage.Compaction;

/// <summary>
/// The log cleaner's figures for one compacted partition, read on its owner shard
/// (<see cref="PartitionLog.CleanerStatus"/>) and handed to other threads as a value: counters since the
/// partition was opened (they restart at 0 with the broker, as Prometheus counters may).
/// </summary>
/// <param name="DirtyRatio">Dirty bytes / cleanable bytes when read (what min.cleanable.dirty.ratio is compared with).</param>
/// <param name="Runs">Completed cleaning passes.</param>
/// <param name="BytesCleaned">Log bytes read and rewritten by those passes.</param>
/// <param name="RecordsRemoved">Superseded values and expired tombstones removed.</param>
/// <param name="Time">Wall-clock time of those passes.</param>
/// <param name="LastRunUnixMs">When the last pass ended (Unix ms; -1: none since open).</param>
public readonly record struct CleanerStatus(double DirtyRatio, long Runs, long BytesCleaned, long RecordsRemoved, TimeSpan Time, long LastRunUnixMs);
