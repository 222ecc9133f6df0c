using System.Diagnostics;
using FastLog.Core;
using FastLog.Storage.IO;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.Write;

/// <summary>
/// Writes the active segment's <c>.log</c> file: 4096-aligned writes (O_DIRECT where the
/// filesystem allows it, else a buffered descriptor with the same write pattern) of whole
/// blocks from aligned buffers, one writev per flush.
///
/// The file is written in whole blocks, but the log ends wherever its last batch ends: the
/// partial last block is kept in <c>_tail</c>, written zero-padded, and rewritten at the same
/// aligned position with the next flush's bytes appended. The logical length is
/// <see cref="WrittenEnd"/>; the file is preallocated ahead of it (appending past EOF is much
/// slower on ext4) and trimmed to it when the segment is sealed.
///
/// Preallocation is a speed-up, never a reason to refuse data: the reservation ahead grows with
/// the segment (as much as it already holds, from 1 MiB up to <see cref="StorageOptions.PreallocateBytes"/>),
/// and when it does not fit the filesystem the write reserves only what it needs. A failed
/// fallocate is undone (ext4 keeps the blocks, and the file size, it got before running out), so a
/// full disk never holds space nobody writes into; <see cref="ReleaseReservation"/> gives back the
/// unused reservation when another partition needs the room.
///
/// Rewriting the last block cannot damage what it already held: every sector of it is
/// rewritten with the same bytes for the old range, so a torn write leaves old-or-new, and both
/// are identical there. A failed write leaves the state as it was, so the next flush retries
/// from the same position; bytes the failed write may have left beyond the new end are zeroed
/// afterwards so recovery never mistakes them for data.
///
/// Owned by the partition's shard; one flush at a time (the partition's writer loop).
/// </summary>
internal sealed class SegmentAppender : IDisposable
{
    private const int Block = AlignedBufferPool.Alignment;

    // Linux caps a writev at 1024 vectors (IOV_MAX).
    private const int MaxVectors = 1024;

    // The smallest reservation ahead: a new or small segment holds little unused space.
    private const long MinReservation = 1L << 20;

    private readonly IStorageIo _io;
    private readonly SafeFileHandle _file;
    private readonly long _preallocateBytes;
    private readonly IStorageMetrics? _metrics;
    private readonly byte[] _tail = new byte[Block];
    private int _tailLength;
    private long _allocatedEnd;
    private long _staleEnd;

    // Where reserving ahead may start again after a shortage (0: now). Until then writes reserve
    // only what they need; past it the reservation is tried again, so preallocation comes back by
    // itself once space is freed, at the cost of one failed fallocate per MiB written while it is not.
    private long _reserveAheadFrom;

    private SegmentAppender(IStorageIo io, SafeFileHandle file, bool isDirect, long logicalEnd, ReadOnlySpan<byte> tail, long preallocateBytes, IStorageMetrics? metrics)
    {
        _io = io;
        _metrics = metrics;
        _file = file;
        IsDirect = isDirect;
        _preallocateBytes = Math.Max(preallocateBytes, Block);
        WrittenEnd = logicalEnd;
        SyncedEnd = logicalEnd;
        _tailLength = (int)(logicalEnd % Block);
        tail[.._tailLength].CopyTo(_tail);
        _allocatedEnd = RandomAccess.GetLength(file);
    }

    /// <summary>True when writes bypass the page cache (O_DIRECT).</summary>
    public bool IsDirect { get; }

    /// <summary>Logical end of the data whose write completed.</summary>
    public long WrittenEnd { get; private set; }

    /// <summary>Logical end of the data known durable (fdatasync completed after its write).</summary>
    public long SyncedEnd { get; private set; }

    /// <summary>
    /// Opens the segment file for appending at <paramref name="logicalEnd"/>, whose last partial
    /// block holds <paramref name="tail"/> (the file's bytes from the block start to the end).
    /// O_DIRECT unless <see cref="StorageOptions.ForceBufferedIo"/> or the filesystem refuses it (EINVAL).
    /// </summary>
    public static SegmentAppender Open(IStorageIo io, string path, long logicalEnd, ReadOnlySpan<byte> tail, StorageOptions options)
    {
        const NativeOpenFlags flags = NativeOpenFlags.ReadWrite | NativeOpenFlags.Create;
        SafeFileHandle? file = null;
        var direct = !options.ForceBufferedIo && io.TryOpenDirect(path, flags, out file);
        if (!direct)
        {
            file = NativeFile.Open(path, flags);
            options.Log?.Invoke(options.ForceBufferedIo
                ? $"{path}: buffered writes (forced by options)"
                : $"{path}: the filesystem refuses O_DIRECT; falling back to buffered writes");
        }

        return new SegmentAppender(io, file!, direct, logicalEnd, tail, options.PreallocateBytes, options.Metrics);
    }

    /// <summary>
    /// Appends <paramref name="data"/> (<paramref name="length"/> bytes in all) at
    /// <see cref="WrittenEnd"/>. Completes when the write has completed (not yet durable:
    /// see <see cref="SyncAsync"/>). On failure nothing changes and the same bytes may be retried.
    /// </summary>
    public async ValueTask WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> data, int length)
    {
        var start = WrittenEnd - _tailLength;
        var end = WrittenEnd + length;
        var span = AlignUp(end) - start;
        EnsureAllocated(start + span);

        var buffers = new AlignedBuffer[(int)((span + _io.BufferSize - 1) / _io.BufferSize)];
        try
        {
            for (var i = 0; i < buffers.Length; i++)
            {
                buffers[i] = _io.RentBuffer();
            }

            Fill(buffers, data, span);
            var writeStart = Stopwatch.GetTimestamp();
            await WriteBuffersAsync(buffers, start, span);
            _metrics?.SegmentWritten(Stopwatch.GetTimestamp() - writeStart, span);
            KeepTail(buffers, end - start);
            WrittenEnd = end;
        }
        catch
        {
            _staleEnd = Math.Max(_staleEnd, start + span);
            throw;
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                if (buffer is not null)
                {
                    _io.ReturnBuffer(buffer);
                }
            }
        }

        if (_staleEnd > AlignUp(WrittenEnd))
        {
            await ZeroStaleAsync();
        }
    }

    /// <summary>fdatasync: everything written before the call is durable when it completes.</summary>
    public async ValueTask SyncAsync()
    {
        var target = WrittenEnd;
        if (SyncedEnd >= target)
        {
            return;
        }

        var syncStart = Stopwatch.GetTimestamp();
        await _io.DataSyncAsync(_file);
        _metrics?.SegmentSynced(Stopwatch.GetTimestamp() - syncStart);
        SyncedEnd = Math.Max(SyncedEnd, target);
    }

    /// <summary>
    /// Closes the segment for writing: trims the preallocated file to the logical length and
    /// makes that durable, so a closed segment's file length is its size.
    /// </summary>
    public async ValueTask SealAsync()
    {
        NativeFile.SetLength(_file, WrittenEnd);
        _allocatedEnd = WrittenEnd;
        await _io.DataSyncAsync(_file);
        SyncedEnd = WrittenEnd;
    }

    /// <summary>
    /// Cuts the file at the logical end (recovery found nothing valid past it), so stale or torn
    /// bytes there can never be read back as batches; preallocation starts again from the end.
    /// </summary>
    public void DiscardBeyondEnd()
    {
        NativeFile.SetLength(_file, WrittenEnd);
        _allocatedEnd = WrittenEnd;
    }

    /// <summary>
    /// Trims the file to the block that holds the logical end, giving the space reserved ahead back
    /// to the filesystem (another partition ran out of it); the next MiB of writes reserve only what they need.
    /// Not while zeros are owed past the end (<see cref="ZeroStaleAsync"/> runs with the next write).
    /// </summary>
    public void ReleaseReservation()
    {
        _reserveAheadFrom = WrittenEnd + MinReservation;
        var end = AlignUp(WrittenEnd);
        if (_staleEnd == 0 && _allocatedEnd > end)
        {
            NativeFile.SetLength(_file, end);
            _allocatedEnd = end;
        }
    }

    public void Dispose() => _file.Dispose();

    private static long AlignUp(long value) => (value + Block - 1) & ~(long)(Block - 1);

    private static long AlignDown(long value) => value & ~(long)(Block - 1);

    private void EnsureAllocated(long end)
    {
        if (end <= _allocatedEnd)
        {
            return;
        }

        var ahead = Math.Min(_preallocateBytes, Math.Max(MinReservation, WrittenEnd));
        if (WrittenEnd >= _reserveAheadFrom && TryAllocate(AlignUp(end + ahead)))
        {
            return;
        }

        // Only what this write needs (no room for more, or reservations are off after a shortage);
        // ENOSPC here means the disk is really full.
        Allocate(AlignUp(end));
    }

    private bool TryAllocate(long target)
    {
        try
        {
            Allocate(target);
            return true;
        }
        catch (IOException error) when (DiskFull.Is(error))
        {
            // Retrying the big reservation on every write of a nearly full disk would cost an
            // allocation and a truncate each: not before another MiB is written.
            _reserveAheadFrom = WrittenEnd + MinReservation;
            return false;
        }
    }

    private void Allocate(long target)
    {
        try
        {
            _io.Allocate(_file, _allocatedEnd, target - _allocatedEnd, keepSize: false);
        }
        catch (IOException)
        {
            // Give back what the failed call did allocate (and the size it set): kept, it would hold
            // space that no write uses, and every retry would take whatever was freed meanwhile.
            NativeFile.SetLength(_file, _allocatedEnd);
            throw;
        }

        _allocatedEnd = target;
    }

    /// <summary>Lays out [tail][data...][zero padding] across the buffers.</summary>
    private void Fill(AlignedBuffer[] buffers, IReadOnlyList<ReadOnlyMemory<byte>> data, long span)
    {
        var writer = new BufferWriter(buffers);
        writer.Write(_tail.AsSpan(0, _tailLength));
        foreach (var piece in data)
        {
            writer.Write(piece.Span);
        }

        writer.ZeroTo(span);
    }

    private async ValueTask WriteBuffersAsync(AlignedBuffer[] buffers, long start, long span)
    {
        var size = _io.BufferSize;
        var vectors = new ReadOnlyMemory<byte>[Math.Min(buffers.Length, MaxVectors)];
        for (var first = 0; first < buffers.Length; first += MaxVectors)
        {
            var count = Math.Min(MaxVectors, buffers.Length - first);
            long expected = 0;
            for (var i = 0; i < count; i++)
            {
                var index = first + i;
                var bytes = (int)Math.Min(size, span - ((long)index * size));
                vectors[i] = buffers[index].Memory[..bytes];
                expected += bytes;
            }

            var position = start + ((long)first * size);
            var written = await _io.WritevAsync(_file, vectors.AsSpan(0, count), position);
            if (written != expected)
            {
                throw new IOException($"Short write to a segment: {written} of {expected} bytes at {position}.");
            }
        }
    }

    /// <summary>Copies the new partial last block (if any) out of the buffers before they go back to the pool.</summary>
    private void KeepTail(AlignedBuffer[] buffers, long endInBuffers)
    {
        var tailStart = AlignDown(endInBuffers);
        _tailLength = (int)(endInBuffers - tailStart);
        if (_tailLength > 0)
        {
            var size = _io.BufferSize;
            buffers[(int)(tailStart / size)].Span.Slice((int)(tailStart % size), _tailLength).CopyTo(_tail);
        }
    }

    private async ValueTask ZeroStaleAsync()
    {
        var buffer = _io.RentBuffer();
        try
        {
            buffer.Span.Clear();
            var position = AlignUp(WrittenEnd);
            while (position < _staleEnd)
            {
                var length = (int)Math.Min(buffer.Length, _staleEnd - position);
                await _io.WriteAsync(_file, buffer.Memory[..length], position);
                position += length;
            }

            _staleEnd = 0;
        }
        finally
        {
            _io.ReturnBuffer(buffer);
        }
    }
}
