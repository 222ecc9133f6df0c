using System.Globalization;
using FastLog.Core;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Partitions;

/// <summary>
/// Every entry of log.dirs (Kafka's JBOD) and which one holds each partition. At start each
/// directory is created and locked (so two brokers never share a disk) and scanned once: a
/// partition is found in whichever directory holds it, and one found in two is a start-up error
/// (neither copy can be trusted to be the newer). A partition in none is new: it goes to the online
/// directory holding the fewest partitions (Kafka's LogManager rule); among equals, to the one where
/// the partition's owner shard has the fewest, so each shard's partitions spread over every disk
/// too (with as many shards as disks, plain round-robin would give each shard a single disk); then
/// the first listed.
/// Broker-wide files (topics.json, producer ids, the consumer-offsets logs) stay in the first.
/// A directory whose disk fails goes offline (<see cref="Fail"/>) and takes only its partitions with it.
/// Partition writes find a failure first; so that a disk whose partitions are all idle is found too
/// (as Kafka finds it through its per-directory checkpoint files), every <see cref="ProbeInterval"/>
/// each online directory's .lock file is rewritten and fsynced.
///
/// Threads: placement and <see cref="Forget"/> run on whichever shard opens or deletes a partition,
/// under <see cref="_lock"/> (only when partitions are opened or deleted, never per request); the
/// probe runs on a thread-pool timer, one run at a time (re-armed when done), never on a shard, so a
/// hung disk blocks no shard; the directories' own state is safe to read anywhere (see <see cref="LogDirectory"/>).
/// </summary>
public sealed class LogDirectories : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, LogDirectory> _located;
    // Partitions per (directory, owner shard): the tie-break of placement.
    private readonly Dictionary<(LogDirectory Directory, int Shard), int> _byShard = [];
    private readonly int _shardCount;
    private readonly List<FileStream> _locks;
    private readonly Timer _probe;
    private readonly TimeSpan _probeInterval;
    private readonly ILogger _logger;

    private LogDirectories(List<LogDirectory> all, Dictionary<TopicPartition, LogDirectory> located, int shardCount, List<FileStream> locks, TimeSpan probeInterval, ILogger logger)
    {
        All = all;
        _located = located;
        _shardCount = shardCount;
        _locks = locks;
        _logger = logger;
        foreach (var (partition, directory) in located)
        {
            CountOnShard(directory, partition, +1);
        }

        _probeInterval = probeInterval;
        _probe = new Timer(static state => ((LogDirectories)state!).ProbeAll(), this, probeInterval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How often an idle directory's disk is probed with a small write and fsync.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(10);

    /// <summary>In log.dirs order.</summary>
    public IReadOnlyList<LogDirectory> All { get; }

    /// <summary>
    /// Creates, locks and scans every directory. Throws IOException with one line naming the directory
    /// and the setting when one cannot be created or locked, or a partition is found in two.
    /// <paramref name="shardCount"/>: the shards partitions are spread over (see <see cref="PartitionPlacement"/>).
    /// </summary>
    public static LogDirectories Open(IReadOnlyList<string> paths, int shardCount, ILogger logger) => Open(paths, shardCount, ProbeInterval, logger);

    /// <summary><see cref="Open(IReadOnlyList{string}, int, ILogger)"/> with another probe interval (tests).</summary>
    public static LogDirectories Open(IReadOnlyList<string> paths, int shardCount, TimeSpan probeInterval, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var locks = new List<FileStream>();
        try
        {
            var all = new List<LogDirectory>();
            var located = new Dictionary<TopicPartition, LogDirectory>();
            foreach (var path in paths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))))
            {
                var directory = new LogDirectory(path);
                CreateDirectory(path);
                locks.Add(LockDirectory(path));
                FinishDeletions(path);
                foreach (var partition in PartitionsIn(path))
                {
                    if (located.TryGetValue(partition, out var other))
                    {
                        throw new IOException(
                            $"partition {partition} is in two log directories, {other.PartitionPath(partition)} and {directory.PartitionPath(partition)}: " +
                            "move the stale copy out of log.dirs (the broker cannot tell which is newer)");
                    }

                    located[partition] = directory;
                    directory.PartitionCount++;
                }

                all.Add(directory);
            }

            return new LogDirectories(all, located, shardCount, locks, probeInterval, logger);
        }
        catch
        {
            locks.ForEach(l => l.Dispose());
            throw;
        }
    }

    /// <summary>
    /// The directory holding <paramref name="partition"/>: where it was found, or for a new one the
    /// online directory with the fewest partitions (which from now on holds it). Throws IOException
    /// when every directory is offline.
    /// </summary>
    public LogDirectory DirectoryFor(TopicPartition partition)
    {
        lock (_lock)
        {
            if (_located.TryGetValue(partition, out var found))
            {
                return found;
            }

            var shard = PartitionPlacement.ShardFor(partition, _shardCount);
            var target = All.Where(d => !d.IsOffline).MinBy(d => ((long)d.PartitionCount << 32) + _byShard.GetValueOrDefault((d, shard)))
                ?? throw new IOException($"no log directory is online to hold {partition} (every entry of log.dirs failed)");
            _located[partition] = target;
            target.PartitionCount++;
            CountOnShard(target, partition, +1);
            return target;
        }
    }

    /// <summary>The directory holding <paramref name="partition"/>, null when none does (never placed or deleted).</summary>
    public LogDirectory? Find(TopicPartition partition)
    {
        lock (_lock)
        {
            return _located.GetValueOrDefault(partition);
        }
    }

    /// <summary>The partition's files were deleted: its directory holds one partition fewer.</summary>
    public void Forget(TopicPartition partition)
    {
        lock (_lock)
        {
            if (_located.Remove(partition, out var directory))
            {
                directory.PartitionCount--;
                CountOnShard(directory, partition, -1);
            }
        }
    }

    /// <summary>
    /// An I/O error in <paramref name="directory"/> (a failed write or fdatasync, a read-only remount):
    /// the whole directory goes offline until restart, as Kafka's LogDirFailureChannel does, since the
    /// disk under it is suspect. Logged once, at error; any thread.
    /// </summary>
    public void Fail(LogDirectory directory, Exception error)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(error);
        if (!directory.TryFail(error.GetBaseException().Message))
        {
            return;
        }

        var online = All.Count(d => !d.IsOffline);
        _logger.LogError(
            "Log directory {Directory} is offline after an I/O error ({Reason}): its {Partitions} partitions answer KAFKA_STORAGE_ERROR until the broker restarts; " +
            "{Online} of {Count} log.dirs keep serving. Repair or replace the disk and restart (or remove it from log.dirs)",
            directory.Path, directory.Failure, directory.PartitionCount, online, All.Count);
    }

    public void Dispose()
    {
        // Waits for a probe in progress, so no probe writes to a lock file being closed.
        using (var stopped = new ManualResetEvent(false))
        {
            if (_probe.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }

        _locks.ForEach(l => l.Dispose());
    }

    /// <summary>
    /// Rewrites one byte of each online directory's .lock (held open since start) and fsyncs it: a
    /// read-only remount or a dead disk fails this as it would fail a partition's write. A full disk
    /// does not (the byte is already allocated). Thread pool; re-arms itself.
    /// </summary>
    private void ProbeAll()
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].IsOffline)
            {
                continue;
            }

            try
            {
                var file = _locks[i];
                file.Position = 0;
                file.WriteByte(0);
                file.Flush(flushToDisk: true);
            }
            catch (ObjectDisposedException)
            {
                return; // stopping
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(All[i], e);
            }
        }

        try
        {
            _probe.Change(_probeInterval, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    /// <summary>Under <see cref="_lock"/> (or in the constructor).</summary>
    private void CountOnShard(LogDirectory directory, TopicPartition partition, int change)
    {
        var key = (directory, PartitionPlacement.ShardFor(partition, _shardCount));
        _byShard[key] = _byShard.GetValueOrDefault(key) + change;
    }

    private static void CreateDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // One line naming the setting, as every start-up failure.
            throw new IOException($"data directory {path} cannot be created: {e.Message} (set --data-dir / log.dirs)", e);
        }
    }

    /// <summary>
    /// Holds an exclusive lock on DIR/.lock for the broker's life (as Kafka does for each log dir), so a
    /// second broker pointed at the same directory fails at start instead of corrupting the logs. .NET
    /// takes FileShare.None as a flock(2), which the kernel drops when the process dies, even by SIGKILL.
    /// </summary>
    private static FileStream LockDirectory(string directory)
    {
        var path = Path.Combine(directory, ".lock");
        try
        {
            // Unbuffered: the probe's byte goes to the kernel at once, and a failed write leaves nothing for Dispose to retry.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (e.HResult == Errno.EAGAIN)
        {
            // flock's EWOULDBLOCK: another process holds the lock.
            throw new IOException($"{directory} is in use by another broker ({path} is locked)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Anything else (a read-only filesystem, a full disk, an I/O error) is not another broker: say what failed.
            throw new IOException($"cannot open {path} to lock the data directory: {e.Message}", e);
        }
    }

    /// <summary>
    /// Deletes what a crash left of a log being deleted: PartitionManager renames a log to
    /// "topic-N.id-delete" before deleting its files, so whatever remains under such a name is no log.
    /// </summary>
    private static void FinishDeletions(string directory)
    {
        foreach (var doomed in Directory.EnumerateDirectories(directory, "*-delete"))
        {
            Directory.Delete(doomed, recursive: true);
        }
    }

    /// <summary>The partitions whose logs <paramref name="directory"/> holds: subdirectories named as Kafka names them, "topic-N".</summary>
    private static IEnumerable<TopicPartition> PartitionsIn(string directory)
    {
        foreach (var path in Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(path);
            var dash = name.LastIndexOf('-');
            if (dash > 0 && int.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                yield return new TopicPartition(name[..dash], index);
            }
        }
    }
}
