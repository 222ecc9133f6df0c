using System.Diagnostics.CodeAnalysis;
using FastLog.Core;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.IO;

/// <summary>
/// The I/O and scheduling a partition log uses, all on its owning shard's thread. The
/// production implementation (<see cref="ShardStorageIo"/>) is the shard's io_uring, aligned
/// buffer pool, Post and timers; the seam exists so tests can inject failures (disk full)
/// underneath the real thing.
/// </summary>
internal interface IStorageIo
{
    /// <summary>Size of the aligned buffers <see cref="RentBuffer"/> hands out (a multiple of 4096).</summary>
    int BufferSize { get; }

    AlignedBuffer RentBuffer();

    void ReturnBuffer(AlignedBuffer buffer);

    /// <summary>open with O_DIRECT; false when the filesystem refuses it (EINVAL), other errors throw.</summary>
    bool TryOpenDirect(string path, NativeOpenFlags flags, [NotNullWhen(true)] out SafeFileHandle? file);

    ValueTask<int> WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> buffer, long offset);

    ValueTask<int> WritevAsync(SafeFileHandle file, ReadOnlySpan<ReadOnlyMemory<byte>> buffers, long offset);

    ValueTask<int> ReadAsync(SafeFileHandle file, Memory<byte> buffer, long offset);

    ValueTask DataSyncAsync(SafeFileHandle file);

    /// <summary>
    /// fallocate: reserves (and zero-fills, logically) [offset, offset + length); throws on ENOSPC.
    /// With <paramref name="keepSize"/> the file's size does not change (space reserved past EOF).
    /// </summary>
    void Allocate(SafeFileHandle file, long offset, long length, bool keepSize);

    /// <summary>Runs <paramref name="callback"/> later on the owning shard (after the current loop turn's work).</summary>
    void Post(Action<object?> callback, object? state);

    void ScheduleTimer(TimeSpan dueIn, Action<object?> callback, object? state);
}
