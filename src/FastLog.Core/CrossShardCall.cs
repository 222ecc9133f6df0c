using System.Runtime.CompilerServices;

namespace FastLog.Core;

/// <summary>
/// One <see cref="Shard.SubmitTo"/> call, pooled per calling shard.
/// <para>Protocol: the caller (source) shard rents it from its thread-static pool and sends it
/// through ring[source→target]. The target's loop calls <see cref="Deliver"/> on the target
/// thread: the work runs there, and when its ValueTask completes (inline, or later — always
/// resumed on the target, see below) the same object goes back through ring[target→source]. The
/// source's loop calls <see cref="Deliver"/> again, now a reply, which completes the awaiting
/// caller inline on the source thread; its GetResult returns the object to the source's pool.
/// Each field is written by one side before the object is published through a ring (release) and
/// read by the other after draining it (acquire), so the ring's Volatile pairs order everything;
/// no field is ever touched by both threads at once.</para>
/// <para>Why the asynchronous path uses the scheduling context: the reply must be sent from the
/// target's thread (the ring's single producer), so a work item that completes elsewhere resumes
/// through the target's SynchronizationContext.</para>
/// </summary>
internal sealed class CrossShardCall<TState, TResult> : ShardValueTaskSource<TResult>, IShardMessage
{
    [ThreadStatic]
    private static Stack<CrossShardCall<TState, TResult>>? _pool;

    private readonly Action _onWorkCompleted;
    private Shard _source = null!;
    private Shard _target = null!;
    private TState _state = default!;
    private Func<TState, ValueTask<TResult>>? _work;
    private ValueTask<TResult> _pending;
    private TResult _result = default!;
    private Exception? _error;
    private bool _isReply;

    private CrossShardCall(int ownerThreadId)
        : base(ownerThreadId)
    {
        _onWorkCompleted = OnWorkCompleted;
    }

    /// <summary>On the source shard's thread.</summary>
    public static CrossShardCall<TState, TResult> Rent(Shard source, Shard target, TState state, Func<TState, ValueTask<TResult>> work)
    {
        var pool = _pool ??= new Stack<CrossShardCall<TState, TResult>>();
        var call = pool.Count > 0 ? pool.Pop() : new CrossShardCall<TState, TResult>(Environment.CurrentManagedThreadId);
        call._source = source;
        call._target = target;
        call._state = state;
        call._work = work;
        return call;
    }

    public void Deliver()
    {
        if (_isReply)
        {
            CompleteOnSource();
        }
        else
        {
            RunOnTarget();
        }
    }

    protected override void Recycle()
    {
        _isReply = false;
        _pool!.Push(this);
    }

    private void RunOnTarget()
    {
        try
        {
            // Stored to be consumed exactly once, by OnWorkCompleted (inline or as its continuation).
#pragma warning disable CA2012
            _pending = _work!(_state);
#pragma warning restore CA2012
        }
        catch (Exception error)
        {
            _error = error;
            Reply();
            return;
        }

        if (_pending.IsCompleted)
        {
            OnWorkCompleted();
        }
        else
        {
            _pending.GetAwaiter().UnsafeOnCompleted(_onWorkCompleted);
        }
    }

    private void OnWorkCompleted()
    {
        try
        {
            _result = _pending.GetAwaiter().GetResult();
        }
        catch (Exception error)
        {
            _error = error;
        }

        _pending = default;
        Reply();
    }

    private void Reply()
    {
        _isReply = true;
        _work = null;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TState>())
        {
            _state = default!;
        }

        _target.Send(_source.Id, this);
    }

    private void CompleteOnSource()
    {
        var error = _error;
        var result = _result;
        _error = null;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TResult>())
        {
            _result = default!;
        }

        if (error is not null)
        {
            SetException(error);
        }
        else
        {
            SetResult(result);
        }
    }
}
