using System.Buffers;
using FastLog.Core;
using FastLog.Records;
using FastLog.Storage.Index;
using FastLog.Storage.IO;
using FastLog.Storage.Policy;
using FastLog.Storage.Write;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage;

/// <summary>
/// One segment of a partition: its <c>.log</c> file of RecordBatches starting at
/// <see cref="BaseOffset"/>, its sparse <c>.index</c> and <c>.timeindex</c>, and for the active
/// (last) segment the <see cref="SegmentAppender"/> that extends it. <see cref="Size"/> and
/// <see cref="NextOffset"/> cover committed batches only (what reads may see).
///
/// Threads: everything runs on the partition's shard except <see cref="ReadHandle"/>, which
/// <see cref="Read.FileRegion"/> leases may keep open (and read) on any thread after the
/// segment is closed or deleted.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    private const int HeaderWindow = 16 * 1024;

    private readonly string _directory;
    private SafeFileHandle? _indexFile;
    private SafeFileHandle? _timeIndexFile;

    private LogSegment(string directory, long baseOffset, SafeFileHandle readHandle, SegmentIndexer indexer, long size, long nextOffset, long openedUnixMs)
    {
        _directory = directory;
        BaseOffset = baseOffset;
        ReadHandle = readHandle;
        Indexer = indexer;
        Size = size;
        NextOffset = nextOffset;
        OpenedUnixMs = openedUnixMs;
    }

    public long BaseOffset { get; }

    /// <summary>Buffered read-only descriptor: cold reads, sendfile leases, recovery scans.</summary>
    public SafeFileHandle ReadHandle { get; }

    public SegmentIndexer Indexer { get; }

    /// <summary>Committed bytes: the log's logical length.</summary>
    public long Size { get; private set; }

    /// <summary>The offset after the last committed batch.</summary>
    public long NextOffset { get; private set; }

    public long OpenedUnixMs { get; }

    /// <summary>The writer, while this is the active segment.</summary>
    public SegmentAppender? Appender { get; private set; }

    public string LogPath => SegmentFileNames.Log(_directory, BaseOffset);

    public SegmentSummary Summary => new(
        BaseOffset,
        NextOffset,
        Size,
        Indexer.Times.Count > 0 ? Indexer.Times.Entries[0].Timestamp : -1,
        Indexer.MaxTimestamp,
        OpenedUnixMs);

    /// <summary>Opens an existing or new segment whose valid content (as recovery established it) is <paramref name="size"/> bytes.</summary>
    public static LogSegment Open(string directory, long baseOffset, SegmentIndexer indexer, long size, long nextOffset, long nowMs)
    {
        var path = SegmentFileNames.Log(directory, baseOffset);
        var read = NativeFile.Open(path, NativeOpenFlags.ReadOnly | NativeOpenFlags.Create);
        return new LogSegment(directory, baseOffset, read, indexer, size, nextOffset, nowMs);
    }

    /// <summary>Recovery (the scan established that the valid content ends here) or a truncation (the log now ends here).</summary>
    public void SetRecoveredEnd(long size, long nextOffset)
    {
        Size = size;
        NextOffset = nextOffset;
    }

    /// <summary>
    /// Makes this the active segment, appending after <see cref="Size"/>. Reserves the index files'
    /// largest possible size now (past EOF, so their length stays what was written), so persisting
    /// index entries never runs out of space later: a full disk fails here, where a roll can back
    /// out, and not halfway through sealing.
    /// </summary>
    public void StartAppending(IStorageIo io, StorageOptions options)
    {
        var tailStart = Size & ~(long)(AlignedBufferPool.Alignment - 1);
        var tail = new byte[Size - tailStart];
        ReadExactly(ReadHandle, tail, tailStart);
        try
        {
            var maxEntries = (Math.Min(options.SegmentBytes, SegmentRollPolicy.MaxSegmentBytes) / Math.Max(1, options.IndexIntervalBytes)) + 2;
            _indexFile = OpenIndexFile(SegmentFileNames.Index(_directory, BaseOffset));
            io.Allocate(_indexFile, 0, maxEntries * OffsetIndexEntry.Size, keepSize: true);
            _timeIndexFile = OpenIndexFile(SegmentFileNames.TimeIndex(_directory, BaseOffset));
            io.Allocate(_timeIndexFile, 0, maxEntries * TimeIndexEntry.Size, keepSize: true);
            Appender = SegmentAppender.Open(io, LogPath, Size, tail, options);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Records a batch run the appender wrote at <see cref="Size"/> as committed: indexes it and moves the end.</summary>
    public void Commit(ReadOnlySpan<byte> batches)
    {
        while (!batches.IsEmpty)
        {
            var header = RecordBatchHeader.Read(batches);
            Indexer.OnBatch(header.BaseOffset, header.MaxTimestamp, checked((int)Size), header.TotalSize);
            Size += header.TotalSize;
            NextOffset = header.LastOffset + 1;
            batches = batches[header.TotalSize..];
        }
    }

    /// <summary>Closes the segment for writing: trims it to <see cref="Size"/>, persists its indexes, all durable.</summary>
    public async ValueTask SealAsync(IStorageIo io)
    {
        if (Appender is { } appender)
        {
            await appender.SealAsync();
            appender.Dispose();
            Appender = null;
        }

        Indexer.CompleteTimeIndex();
        await PersistIndexesAsync(io);
        CloseIndexFile(ref _indexFile, Indexer.Offsets.Count * OffsetIndexEntry.Size);
        CloseIndexFile(ref _timeIndexFile, Indexer.Times.Count * TimeIndexEntry.Size);
    }

    /// <summary>
    /// Recovery: a scanned segment that is not the last one becomes closed exactly as a roll would
    /// have left it — log trimmed to the verified <see cref="Size"/>, indexes complete and trimmed,
    /// all durable — because the next open trusts closed segments by their file length and index files.
    /// </summary>
    public async ValueTask SealRecoveredAsync(IStorageIo io)
    {
        await TrimLogFileAsync(io);
        _indexFile = OpenIndexFile(SegmentFileNames.Index(_directory, BaseOffset));
        _timeIndexFile = OpenIndexFile(SegmentFileNames.TimeIndex(_directory, BaseOffset));
        Indexer.CompleteTimeIndex();
        await PersistIndexesAsync(io);
        CloseIndexFile(ref _indexFile, Indexer.Offsets.Count * OffsetIndexEntry.Size);
        CloseIndexFile(ref _timeIndexFile, Indexer.Times.Count * TimeIndexEntry.Size);
    }

    /// <summary>Cuts the <c>.log</c> file at <see cref="Size"/> and makes its length (and everything written before) durable.</summary>
    public async ValueTask TrimLogFileAsync(IStorageIo io)
    {
        using var log = NativeFile.Open(LogPath, NativeOpenFlags.ReadWrite);
        NativeFile.SetLength(log, Size);
        await io.DataSyncAsync(log);
    }

    /// <summary>Writes index entries not yet on disk and fdatasyncs both index files (active segment only).</summary>
    public async ValueTask PersistIndexesAsync(IStorageIo io)
    {
        if (_indexFile is null || _timeIndexFile is null)
        {
            throw new InvalidOperationException($"Segment {BaseOffset} is not the active segment.");
        }

        await PersistAsync(io, Indexer.Offsets, _indexFile);
        await PersistAsync(io, Indexer.Times, _timeIndexFile);
    }

    /// <summary>
    /// Walks batch headers from <paramref name="position"/> (a batch start) up to
    /// <paramref name="end"/> and returns the first batch for which <paramref name="match"/>
    /// holds, or (<paramref name="end"/>, null) if none does.
    /// </summary>
    public async ValueTask<(long Position, RecordBatchHeader? Header)> FindBatchAsync(
        IStorageIo io, long position, long end, Func<RecordBatchHeader, long, bool> match)
    {
        var window = ArrayPool<byte>.Shared.Rent(HeaderWindow);
        var lease = false;
        ReadHandle.DangerousAddRef(ref lease);
        try
        {
            long windowStart = 0;
            var windowLength = 0;
            while (position < end)
            {
                if (position < windowStart || position + RecordBatchHeader.Size > windowStart + windowLength)
                {
                    windowStart = position;
                    windowLength = await io.ReadAsync(ReadHandle, window.AsMemory(0, (int)Math.Min(HeaderWindow, end - position)), position);
                    if (windowLength < RecordBatchHeader.Size)
                    {
                        throw new IOException($"{LogPath}: batch header at {position} is past the end of the file.");
                    }
                }

                var header = RecordBatchHeader.Read(window.AsSpan((int)(position - windowStart), windowLength - (int)(position - windowStart)));
                if (match(header, position))
                {
                    return (position, header);
                }

                position += header.TotalSize;
            }

            return (end, null);
        }
        finally
        {
            ReadHandle.DangerousRelease();
            ArrayPool<byte>.Shared.Return(window);
        }
    }

    /// <summary>Closes every descriptor this segment owns (leases on <see cref="ReadHandle"/> outlive it).</summary>
    public void Dispose()
    {
        Appender?.Dispose();
        Appender = null;
        _indexFile?.Dispose();
        _timeIndexFile?.Dispose();
        ReadHandle.Dispose();
    }

    /// <summary>Closes and deletes the segment's files (retention). Readers holding leases keep reading the unlinked file.</summary>
    public void Delete()
    {
        Dispose();
        DeleteFiles();
    }

    /// <summary>
    /// Unlinks the segment's files but keeps its descriptors: reads go on from the unlinked inode
    /// until <see cref="Dispose"/> (a truncation makes the unlinks durable before it lets go of the segment).
    /// </summary>
    public void DeleteFiles()
    {
        File.Delete(LogPath);
        File.Delete(SegmentFileNames.Index(_directory, BaseOffset));
        File.Delete(SegmentFileNames.TimeIndex(_directory, BaseOffset));
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="position"/> (blocking; opening and recovery only).</summary>
    public static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long position)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(file, buffer, position);
            if (read == 0)
            {
                throw new EndOfStreamException($"Unexpected end of file at {position}.");
            }

            buffer = buffer[read..];
            position += read;
        }
    }

    private static SafeFileHandle OpenIndexFile(string path) =>
        NativeFile.Open(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);

    /// <summary>Gives back the space reserved past the entries (truncating to the same size frees it on ext4) and closes.</summary>
    private static void CloseIndexFile(ref SafeFileHandle? file, long length)
    {
        if (file is not null)
        {
            NativeFile.SetLength(file, length);
            file.Dispose();
            file = null;
        }
    }

    private static async ValueTask PersistAsync<TEntry>(IStorageIo io, SegmentIndex<TEntry> index, SafeFileHandle file)
        where TEntry : struct, IIndexEntry<TEntry>
    {
        var count = index.Count;
        if (count == index.PersistedCount)
        {
            return;
        }

        var bytes = new byte[index.UnpersistedBytes];
        index.WriteTo(bytes, index.PersistedCount);
        var position = (long)index.PersistedCount * TEntry.Size;
        var written = 0;
        while (written < bytes.Length)
        {
            var n = await io.WriteAsync(file, bytes.AsMemory(written), position + written);
            written += n > 0 ? n : throw new IOException($"Index write made no progress at {position + written}.");
        }

        await io.DataSyncAsync(file);
        index.PersistedCount = count;
    }
}
