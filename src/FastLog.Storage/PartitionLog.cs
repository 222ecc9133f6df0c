using FastLog.Storage.Epochs;
using FastLog.Storage.IO;
using FastLog.Storage.Read;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage;

/// <summary>
/// The durable log of one partition: a list of <see cref="LogSegment"/>s in one directory, the
/// newest being appended to. Kafka's RecordBatch v2 bytes are stored verbatim.
///
/// Threads: a partition log belongs to the shard it was opened on, and every method must be
/// called on that shard's thread; completions and continuations run there too. Nothing here
/// locks. What may leave the shard is a <see cref="LogReadResult"/>: its memory chunks are
/// immutable and its file region leases the file (see <see cref="FileRegion"/>).
///
/// Writes go through one writer loop per partition (PartitionLog.Writer.cs) that takes queued
/// work strictly in order: appends are gathered into one aligned write (and, in
/// <see cref="DurabilityMode.Durable"/>, one fdatasync) per turn; roll, retention,
/// DeleteRecords and close run between flushes. Reads run concurrently with it at await points
/// and see only committed state: <see cref="LogEndOffset"/>, segment sizes and the tail cache
/// change together, synchronously, when a flush commits.
///
/// Three ends, Kafka's: <see cref="LogEndOffset"/> (after the last committed batch) &gt;=
/// <see cref="DurableEndOffset"/> (after the last batch fdatasync made durable) and
/// <see cref="HighWatermark"/> (what consumers may read), which on a single copy
/// (<see cref="HighWatermarkMode.FollowsLogEnd"/>) is the log end and under replication
/// (<see cref="HighWatermarkMode.SetByOwner"/>) is what the owner says the ISR holds.
/// </summary>
public sealed partial class PartitionLog
{
    private StorageOptions _options;
    private readonly IStorageIo _io;
    private readonly List<LogSegment> _segments;
    private readonly TailCache _cache;
    private readonly SafeFileHandle _directoryHandle;
    private readonly SafeFileHandle _checkpointFile;
    private readonly HighWatermarkMode _highWatermarkMode;
    private readonly LeaderEpochCache _epochs;
    private long _highWatermark;
    private Task? _queuedFlush;
    private long _checkpointSequence;
    private Exception? _fault;
    private bool _closed;

    private PartitionLog(
        string directory,
        StorageOptions options,
        IStorageIo io,
        List<LogSegment> segments,
        long logStartOffset,
        long checkpointedHighWatermark,
        LeaderEpochCache epochs,
        SafeFileHandle directoryHandle,
        SafeFileHandle checkpointFile,
        long checkpointSequence)
    {
        Directory = directory;
        _options = options;
        _io = io;
        _segments = segments;
        LogStartOffset = logStartOffset;

        // What recovery found is durable: it was read back from the file (and the appender's synced end starts there too).
        DurableEndOffset = LogEndOffset;
        _highWatermarkMode = options.HighWatermarkMode;
        _highWatermark = Math.Min(Math.Max(checkpointedHighWatermark, logStartOffset), LogEndOffset);
        _epochs = epochs;
        _directoryHandle = directoryHandle;
        _checkpointFile = checkpointFile;
        _checkpointSequence = checkpointSequence;
        _cache = new TailCache(options.TailCacheBytes);
        var now = options.UnixTimeMs();
        _lastCheckpointMs = now;
        _lastSyncMs = now;
        _lastRetentionMs = now;
    }

    public string Directory { get; }

    /// <summary>First offset still readable (DeleteRecords and retention move it forward).</summary>
    public long LogStartOffset { get; private set; }

    /// <summary>
    /// The offset after the last committed batch — durable (Durable mode) or written (Interval
    /// mode) — and so the next offset to assign: offsets are assigned when a flush takes an append
    /// and count here once it commits (a failed write leaves no gap). Followers read up to it.
    /// </summary>
    public long LogEndOffset => Active.NextOffset;

    /// <summary>
    /// The offset after the last batch fdatasync has made durable: equal to
    /// <see cref="LogEndOffset"/> in <see cref="DurabilityMode.Durable"/>; in
    /// <see cref="DurabilityMode.Interval"/> it catches up when the interval fdatasync, a
    /// <see cref="FlushAsync"/>, a roll or a checkpoint completes. What a replica may report as held.
    /// </summary>
    public long DurableEndOffset { get; private set; }

    /// <summary>
    /// The offset below which consumers may read (and DeleteRecords may delete, and retention
    /// deletes whole segments). With <see cref="HighWatermarkMode.FollowsLogEnd"/> it is
    /// <see cref="LogEndOffset"/>; with <see cref="HighWatermarkMode.SetByOwner"/> it moves only
    /// by <see cref="AdvanceHighWatermark"/> and starts, after a restart, where the checkpoint left
    /// it (at most the recovered log end).
    /// </summary>
    public long HighWatermark => _highWatermarkMode == HighWatermarkMode.FollowsLogEnd ? LogEndOffset : _highWatermark;

    /// <summary>Base offset of the active (last) segment: where a scan of recent batches starts.</summary>
    public long ActiveSegmentBaseOffset => Active.BaseOffset;

    /// <summary>True when the active segment is written with O_DIRECT (false: buffered fallback).</summary>
    public bool IsDirectIo => Active.Appender?.IsDirect ?? false;

    public int SegmentCount => _segments.Count;

    /// <summary>Bytes of log the last open had to verify (0 after a clean shutdown).</summary>
    public long BytesScannedAtOpen { get; private set; }

    /// <summary>Total committed bytes across segments.</summary>
    public long SizeBytes
    {
        get
        {
            long total = 0;
            foreach (var segment in _segments)
            {
                total += segment.Size;
            }

            return total;
        }
    }

    private LogSegment Active => _segments[^1];

    /// <summary>
    /// Flushes everything queued, seals the active segment (trimmed file, complete indexes),
    /// writes a clean-shutdown checkpoint, so the next open scans nothing, and the producer state
    /// snapshot, so it replays nothing. Appends queued after this fail with
    /// <see cref="ObjectDisposedException"/>. A faulted log only lets go of its files: nothing
    /// about it is known durable, so nothing is marked clean or snapshotted.
    /// </summary>
    public async Task CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        if (_fault is not null)
        {
            // The writer no longer runs; nothing may be sealed or marked clean: just let go.
            ReleaseFiles();
            return;
        }

        try
        {
            await RunExclusiveAsync(async () =>
            {
                if (_closed)
                {
                    return;
                }

                await Active.SealAsync(_io);
                MarkDurable(LogEndOffset);
                await WriteCheckpointAsync(clean: true);
                await SaveProducerStateAsync();
                ReleaseFiles();
            });
        }
        finally
        {
            // A close whose seal or checkpoint failed (a disk that went read-only under a partition
            // that had not written since) still lets go of every descriptor: the next start
            // recovers the log without the clean marker, and the disk can be unmounted and repaired.
            if (!_closed)
            {
                ReleaseFiles();
            }
        }
    }

    /// <summary>
    /// Replication's hook: moves the high watermark forward to <paramref name="offset"/> (at most
    /// <see cref="LogEndOffset"/>, never backwards) and returns it; the next checkpoint records it.
    /// With <see cref="HighWatermarkMode.FollowsLogEnd"/> it changes nothing (every committed batch
    /// is already below the high watermark) and returns it. Call on the owner shard.
    /// </summary>
    public long AdvanceHighWatermark(long offset)
    {
        ThrowIfUnusable();
        if (_highWatermarkMode == HighWatermarkMode.SetByOwner && Math.Min(offset, LogEndOffset) > _highWatermark)
        {
            _highWatermark = Math.Min(offset, LogEndOffset);
            _checkpointDirty = true;
        }

        return HighWatermark;
    }

    /// <summary>Closes every descriptor and gives back the tail cache; read leases keep theirs until disposed.</summary>
    private void ReleaseFiles()
    {
        _closed = true;
        _cache.Clear();
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }

        _checkpointFile.Dispose();
        _directoryHandle.Dispose();
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_fault is not null)
        {
            throw new PartitionFaultedException(Directory, _fault);
        }
    }

    /// <summary>
    /// Applies changed topic settings (retention, segment size and age, max batch size, timestamp
    /// type): appends, rolls and housekeeping use them from now on. The tail cache size and the I/O
    /// mode keep their values until the next open. Call on the owner shard.
    /// </summary>
    public void UpdateOptions(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfUnusable();
        _options = options;
    }

    /// <summary>Most bytes one batch's records may decompress to where the broker reads them (<see cref="StorageOptions.MaxDecompressedBytes"/>).</summary>
    public int MaxDecompressedBytes => _options.MaxDecompressedBytes;

    private void Log(string message) => _options.Log?.Invoke($"{Directory}: {message}");

    /// <summary>Problems an operator must act on (a full disk, a fault, index files rebuilt).</summary>
    private void LogWarning(string message) => (_options.LogWarning ?? _options.Log)?.Invoke($"{Directory}: {message}");

    /// <summary>Damage that takes data out of service (quarantine, corrupt batches).</summary>
    private void LogError(string message) => (_options.LogError ?? _options.Log)?.Invoke($"{Directory}: {message}");
}
