using System.Diagnostics.CodeAnalysis;
using FastLog.Core;
using FastLog.Storage.IO;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.Tests;

/// <summary>
/// The shard's real I/O with switchable failures: fallocate answering ENOSPC (disk full, or past
/// <see cref="SpaceLeft"/> after allocating what fits, as ext4 does),
/// segment writes and fdatasync answering EIO, O_DIRECT opens refused as by a filesystem without
/// it, and fdatasyncs held back until the test releases them. Flags are set by the test thread and read on the shard (volatile).
/// </summary>
internal sealed class FaultyStorageIo : IStorageIo
{
    private const int Enospc = 28;
    private const int Eio = 5;
    private readonly IStorageIo _inner;
    private volatile bool _diskFull;
    private volatile bool _failWrites;
    private volatile bool _refuseDirect;
    private volatile bool _failSyncs;
    private long _spaceLeft = -1;
    private int _syncs;
    private TaskCompletionSource? _heldSyncs;
    private TaskCompletionSource _syncHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FaultyStorageIo(IStorageIo inner)
    {
        _inner = inner;
    }

    public bool DiskFull { get => _diskFull; set => _diskFull = value; }

    public bool FailWrites { get => _failWrites; set => _failWrites = value; }

    public bool RefuseDirect { get => _refuseDirect; set => _refuseDirect = value; }

    public bool FailSyncs { get => _failSyncs; set => _failSyncs = value; }

    /// <summary>Bytes fallocate may still reserve (-1: unlimited); a larger call allocates this much, then fails with ENOSPC.</summary>
    public long SpaceLeft { get => Interlocked.Read(ref _spaceLeft); set => Interlocked.Exchange(ref _spaceLeft, value); }

    /// <summary>fdatasyncs issued so far (any file).</summary>
    public int Syncs => Volatile.Read(ref _syncs);

    /// <summary>Completes when a fdatasync is waiting under <see cref="HoldSyncs"/>.</summary>
    public Task SyncHeld => _syncHeld.Task;

    /// <summary>From now on every fdatasync waits until <see cref="ReleaseSyncs"/>.</summary>
    public void HoldSyncs()
    {
        _syncHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _heldSyncs, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public void ReleaseSyncs() => Interlocked.Exchange(ref _heldSyncs, null)?.SetResult();

    public int BufferSize => _inner.BufferSize;

    public AlignedBuffer RentBuffer() => _inner.RentBuffer();

    public void ReturnBuffer(AlignedBuffer buffer) => _inner.ReturnBuffer(buffer);

    public bool TryOpenDirect(string path, NativeOpenFlags flags, [NotNullWhen(true)] out SafeFileHandle? file)
    {
        file = null;
        return !_refuseDirect && _inner.TryOpenDirect(path, flags, out file);
    }

    public ValueTask<int> WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> buffer, long offset) => _inner.WriteAsync(file, buffer, offset);

    public ValueTask<int> WritevAsync(SafeFileHandle file, ReadOnlySpan<ReadOnlyMemory<byte>> buffers, long offset) =>
        _failWrites ? ValueTask.FromException<int>(new IoRingException(Eio, "writev")) : _inner.WritevAsync(file, buffers, offset);

    public ValueTask<int> ReadAsync(SafeFileHandle file, Memory<byte> buffer, long offset) => _inner.ReadAsync(file, buffer, offset);

    public ValueTask DataSyncAsync(SafeFileHandle file)
    {
        Interlocked.Increment(ref _syncs);
        if (_failSyncs)
        {
            return ValueTask.FromException(new IoRingException(Eio, "fdatasync"));
        }

        return Volatile.Read(ref _heldSyncs) is { } held ? HeldSyncAsync(held, file) : _inner.DataSyncAsync(file);
    }

    private async ValueTask HeldSyncAsync(TaskCompletionSource held, SafeFileHandle file)
    {
        _syncHeld.TrySetResult();
        await held.Task; // resumes on the shard (its SynchronizationContext)
        await _inner.DataSyncAsync(file);
    }

    public void Allocate(SafeFileHandle file, long offset, long length, bool keepSize)
    {
        if (_diskFull)
        {
            throw new NativeIOException(Enospc, "fallocate");
        }

        var left = SpaceLeft;
        if (left >= 0 && length > left)
        {
            if (left > 0)
            {
                _inner.Allocate(file, offset, left, keepSize);
            }

            throw new NativeIOException(Enospc, "fallocate");
        }

        _inner.Allocate(file, offset, length, keepSize);
    }

    public void Post(Action<object?> callback, object? state) => _inner.Post(callback, state);

    public void ScheduleTimer(TimeSpan dueIn, Action<object?> callback, object? state) => _inner.ScheduleTimer(dueIn, callback, state);
}
