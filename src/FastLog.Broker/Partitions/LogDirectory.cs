using FastLog.Storage;

namespace FastLog.Broker.Partitions;

/// <summary>
/// One entry of log.dirs (one disk, in a JBOD broker): its absolute path, how many partitions it
/// holds, the space-shortage signal its partitions share (one filesystem), and whether it failed.
/// A failed directory stays offline until the broker restarts, as in Kafka: its partitions answer
/// KAFKA_STORAGE_ERROR while the other directories keep serving.
///
/// Threads: <see cref="PartitionCount"/> is written under <see cref="LogDirectories"/>' lock and
/// read anywhere (Volatile); <see cref="Failure"/> is set once by whichever shard saw the I/O error
/// (Interlocked.CompareExchange) and read by every shard on the produce and fetch paths (Volatile).
/// </summary>
public sealed class LogDirectory
{
    private string? _failure;
    private int _partitionCount;

    public LogDirectory(string path) => Path = path;

    /// <summary>The absolute path, as DescribeLogDirs reports it.</summary>
    public string Path { get; }

    /// <summary>Partitions in this directory (Kafka's placement rule puts a new one where this is lowest).</summary>
    public int PartitionCount
    {
        get => Volatile.Read(ref _partitionCount);
        internal set => Volatile.Write(ref _partitionCount, value);
    }

    /// <summary>Shared by this directory's partitions: a full filesystem makes them give back their preallocated space.</summary>
    public SpaceShortage SpaceShortage { get; } = new();

    /// <summary>Why the directory went offline (the first I/O error seen in it); null while online.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public bool IsOffline => Failure is not null;

    /// <summary>Where <paramref name="partition"/>'s log lives in this directory.</summary>
    public string PartitionPath(TopicPartition partition) => System.IO.Path.Combine(Path, partition.DirectoryName);

    /// <summary>Takes the directory offline; true for the first failure only (the one that is logged).</summary>
    internal bool TryFail(string reason) => Interlocked.CompareExchange(ref _failure, reason, null) is null;

    public override string ToString() => Path;
}
