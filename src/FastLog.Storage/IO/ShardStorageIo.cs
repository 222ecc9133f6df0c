using System.Diagnostics.CodeAnalysis;
using FastLog.Core;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.IO;

/// <summary><see cref="IStorageIo"/> on the current shard: its io_uring, buffer pool, Post and timers.</summary>
internal sealed class ShardStorageIo : IStorageIo
{
    private readonly Shard _shard;

    public ShardStorageIo(Shard shard)
    {
        _shard = shard;
    }

    /// <summary>The I/O of the shard running the caller; throws off-shard (a partition log lives on one shard).</summary>
    public static ShardStorageIo ForCurrentShard() =>
        new(Shard.Current ?? throw new InvalidOperationException("A partition log must be opened and used on a shard thread."));

    public int BufferSize => _shard.Buffers.BufferSize;

    public AlignedBuffer RentBuffer() => _shard.Buffers.Rent();

    public void ReturnBuffer(AlignedBuffer buffer) => _shard.Buffers.Return(buffer);

    public bool TryOpenDirect(string path, NativeOpenFlags flags, [NotNullWhen(true)] out SafeFileHandle? file) =>
        NativeFile.TryOpenDirect(path, flags, out file);

    public ValueTask<int> WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> buffer, long offset) => _shard.Io.WriteAsync(file, buffer, offset);

    public ValueTask<int> WritevAsync(SafeFileHandle file, ReadOnlySpan<ReadOnlyMemory<byte>> buffers, long offset) =>
        _shard.Io.WritevAsync(file, buffers, offset);

    public ValueTask<int> ReadAsync(SafeFileHandle file, Memory<byte> buffer, long offset) => _shard.Io.ReadAsync(file, buffer, offset);

    public async ValueTask DataSyncAsync(SafeFileHandle file) => await _shard.Io.FdatasyncAsync(file);

    public void Allocate(SafeFileHandle file, long offset, long length, bool keepSize) =>
        NativeFile.Allocate(file, offset, length, keepSize ? NativeFile.FallocKeepSize : 0);

    public void Post(Action<object?> callback, object? state) => _shard.Post(callback, state);

    public void ScheduleTimer(TimeSpan dueIn, Action<object?> callback, object? state) => _shard.ScheduleTimer(dueIn, callback, state);
}
