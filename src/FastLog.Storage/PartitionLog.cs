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
/// and see only committed state: <see cref="HighWatermark"/>, segment sizes and the tail cache
/// change together, synchronously, when a flush commits.
/// </summary>
public sealed partial class PartitionLog
{
    private StorageOptions _options;
    private readonly IStorageIo _io;
    private readonly List<LogSegment> _segments;
    private readonly TailCache _cache;
    private readonly SafeFileHandle _directoryHandle;
    private readonly SafeFileHandle _checkpointFile;
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
        SafeFileHandle directoryHandle,
        SafeFileHandle checkpointFile,
        long checkpointSequence)
    {
        Directory = directory;
        _options = options;
        _io = io;
        _segments = segments;
        LogStartOffset = logStartOffset;
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
    /// The offset after the last committed batch: durable (Durable mode) or written (Interval
    /// mode). Reads see exactly the offsets below it.
    /// </summary>
    public long HighWatermark => Active.NextOffset;

    /// <summary>
    /// The next offset to be assigned. Offsets are assigned when a flush takes an append and
    /// become visible when it commits, so on a single node this equals <see cref="HighWatermark"/>.
    /// </summary>
    public long LogEndOffset => Active.NextOffset;

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
    /// Flushes everything queued, seals the active segment (trimmed file, complete indexes) and
    /// writes a clean-shutdown checkpoint, so the next open scans nothing. Appends queued after
    /// this fail with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public Task CloseAsync()
    {
        if (_closed)
        {
            return Task.CompletedTask;
        }

        if (_fault is not null)
        {
            // The writer no longer runs; nothing may be sealed or marked clean: just let go.
            ReleaseFiles();
            return Task.CompletedTask;
        }

        return RunExclusiveAsync(async () =>
        {
            if (_closed)
            {
                return;
            }

            await Active.SealAsync(_io);
            await WriteCheckpointAsync(clean: true);
            ReleaseFiles();
        });
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

    private void Log(string message) => _options.Log?.Invoke($"{Directory}: {message}");
}
