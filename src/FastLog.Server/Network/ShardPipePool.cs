using FastLog.Core;

namespace FastLog.Server.Network;

/// <summary>
/// The splice pipes of one shard, lent to one zero-copy file send at a time. A pipe per connection
/// (as before) cost every consumer connection two descriptors for its whole life; a bounded pool
/// per shard caps what zero-copy sends can hold at <see cref="PipesPerShard"/> pipes, so a
/// connection costs one descriptor and the budget (<see cref="ConnectionAdmission"/>) can count
/// the pipes once. When every pipe is lent, the send copies instead (<see cref="ResponseSender"/>).
/// A pipe whose send failed may still hold bytes: it is closed, never lent again.
/// Threads: the owning shard's thread only, so no field needs synchronization.
/// </summary>
internal sealed class ShardPipePool(ConnectionAdmission admission, int capacity = ShardPipePool.PipesPerShard) : IDisposable
{
    /// <summary>Zero-copy sends a shard runs at once; more are copied (a shard rarely has more cold fetches in flight).</summary>
    public const int PipesPerShard = 16;

    /// <summary>Pipe capacity for splicing; Linux allows up to /proc/sys/fs/pipe-max-size (1 MiB by default) unprivileged.</summary>
    public const int PipeCapacity = 1024 * 1024;

    private readonly Stack<KernelPipe> _idle = new();
    private int _lent;
    private bool _disposed;

    /// <summary>An empty pipe for one send, or null when all (<see cref="PipesPerShard"/>; tests choose) are lent.</summary>
    public KernelPipe? TryRent()
    {
        if (_idle.TryPop(out var pipe))
        {
            _lent++;
            return pipe;
        }

        if (_disposed || _lent >= capacity)
        {
            return null;
        }

        pipe = KernelPipe.Create(PipeCapacity);
        admission.PipeOpened();
        _lent++;
        return pipe;
    }

    /// <summary>Gives a pipe back; <paramref name="empty"/> false (its send failed) closes it instead.</summary>
    public void Return(KernelPipe pipe, bool empty)
    {
        _lent--;
        if (empty && !_disposed)
        {
            _idle.Push(pipe);
        }
        else
        {
            Close(pipe);
        }
    }

    /// <summary>Closes the idle pipes; pipes still lent are closed when they come back.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var pipe))
        {
            Close(pipe);
        }
    }

    private void Close(KernelPipe pipe)
    {
        pipe.Dispose();
        admission.PipeClosed();
    }
}
