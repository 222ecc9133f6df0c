using System.Threading.Tasks.Sources;

namespace FastLog.Core;

/// <summary>
/// Base of the runtime's pooled <see cref="IValueTaskSource{T}"/>s (io_uring operations,
/// cross-shard calls, delays). Protocol: created, completed and recycled on one thread — the
/// owning shard's — so no field needs synchronization. Rented, handed out as a ValueTask, completed
/// with <see cref="SetResult"/>/<see cref="SetException"/>, and recycled by <see cref="GetResult"/>
/// (each ValueTask must be awaited exactly once; <see cref="ManualResetValueTaskSourceCore{T}.Version"/>
/// catches a second await).
/// <para>Why <see cref="OnCompleted"/> drops <c>UseSchedulingContext</c> on the owning thread:
/// completion always happens on that thread, so running the continuation inline there is exactly
/// what posting it to the shard's SynchronizationContext would do, minus a queue hop and an
/// allocation per await.</para>
/// </summary>
internal abstract class ShardValueTaskSource<T> : IValueTaskSource<T>, IValueTaskSource
{
    private readonly int _ownerThreadId;
    private ManualResetValueTaskSourceCore<T> _core;

    protected ShardValueTaskSource(int ownerThreadId)
    {
        _ownerThreadId = ownerThreadId;
    }

    public ValueTask<T> AsValueTask() => new(this, _core.Version);

    public ValueTask AsUntypedValueTask() => new(this, _core.Version);

    public void SetResult(T result) => _core.SetResult(result);

    public void SetException(Exception error) => _core.SetException(error);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if (Environment.CurrentManagedThreadId == _ownerThreadId)
        {
            flags &= ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext;
        }

        _core.OnCompleted(continuation, state, token, flags);
    }

    public T GetResult(short token)
    {
        if (token != _core.Version)
        {
            throw new InvalidOperationException("This ValueTask was already awaited; the operation object has been reused.");
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Recycle();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    /// <summary>Returns this object to its pool; called once per completion, on the owning thread.</summary>
    protected abstract void Recycle();
}
