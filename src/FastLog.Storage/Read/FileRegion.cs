using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.Read;

/// <summary>
/// A byte range of a segment file, handed out by a read so the broker can send it with
/// sendfile (or read it) without copying it through the shard. The region holds a lease on the
/// file: the descriptor stays open until the region is disposed, even if retention deletes the
/// segment meanwhile (the unlinked file's blocks are freed when the last lease goes).
///
/// Concurrency protocol: created on the partition's shard, which takes the lease
/// (SafeHandle.DangerousAddRef) before anyone else can see the region; it may then be used and
/// disposed on any thread. <see cref="Dispose"/> releases the lease exactly once: the
/// Interlocked.Exchange on <c>_released</c> makes a second or concurrent Dispose a no-op, and
/// SafeHandle's own ref-count is thread-safe. A region that is never disposed keeps its
/// descriptor open: always dispose (the <see cref="LogReadResult"/> owning it does).
/// </summary>
public sealed class FileRegion : IDisposable
{
    private int _released;

    public FileRegion(SafeFileHandle handle, long position, int length)
        : this(AddRef(handle), position, length, leased: true)
    {
    }

    /// <summary>Wraps a lease the caller already took with DangerousAddRef; the region now owns it.</summary>
    public FileRegion(SafeFileHandle handle, long position, int length, bool leased)
    {
        if (!leased)
        {
            throw new ArgumentException("The handle must already be leased (DangerousAddRef).", nameof(leased));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Handle = handle;
        Position = position;
        Length = length;
    }

    /// <summary>A buffered read-only descriptor of the segment file (fine for sendfile and pread).</summary>
    public SafeFileHandle Handle { get; }

    public long Position { get; }

    public int Length { get; }

    /// <summary>Copies the region into <paramref name="destination"/> with pread (blocking: not for shard threads).</summary>
    public void CopyTo(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
        var done = 0;
        while (done < Length)
        {
            var read = RandomAccess.Read(Handle, destination.Slice(done, Length - done), Position + done);
            if (read == 0)
            {
                throw new EndOfStreamException($"Segment file ended {Length - done} bytes before the region's end.");
            }

            done += read;
        }
    }

    private static SafeFileHandle AddRef(SafeFileHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        return handle;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Handle.DangerousRelease();
        }
    }
}
