namespace FastLog.Core;

/// <summary>
/// Cross-shard messaging. Shard i owns the producer end of ring[i→j] for every j (its
/// <c>_outbound[j]</c>) and the consumer end of ring[j→i] (its <c>_inbound[j]</c>); requests from
/// i to j and replies from i to j's earlier requests share ring[i→j], so every ring has exactly one
/// producer thread. A full ring never blocks or drops: the message waits in
/// <c>_overflow[target]</c> (shard-private) and is retried every loop turn; while anything waits
/// there, new messages to that target queue behind it so per-pair order is kept.
/// </summary>
public sealed partial class Shard
{
    private const int DrainBatchSize = 64;

    private readonly SpscRing<IShardMessage>?[] _outbound;
    private readonly SpscRing<IShardMessage>?[] _inbound;
    private readonly Queue<IShardMessage>[] _overflow;
    private readonly bool[] _wakePending;
    private readonly IShardMessage[] _drainBatch = new IShardMessage[DrainBatchSize];
    private int _overflowCount;
    private bool _anyWakePending;

    /// <summary>
    /// Runs <paramref name="work"/> on shard <paramref name="target"/> and completes, back on this
    /// shard, with its result (or exception). Call on this shard's thread. Calls from one shard to
    /// another are delivered, run and answered in submission order. With a static lambda and the
    /// state carrying the data, the steady path allocates nothing. target == Id runs it right here.
    /// </summary>
    public ValueTask<TResult> SubmitTo<TState, TResult>(int target, TState state, Func<TState, ValueTask<TResult>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ThrowIfNotCurrent();
        if (target == Id)
        {
            return work(state);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, _outbound.Length);
        var call = CrossShardCall<TState, TResult>.Rent(this, Group[target], state, work);
        Send(target, call);
        return call.AsValueTask();
    }

    /// <summary>Wires ring[this→target]; before start only.</summary>
    internal void Connect(Shard target, SpscRing<IShardMessage> ring)
    {
        _outbound[target.Id] = ring;
        target._inbound[Id] = ring;
    }

    /// <summary>On this shard's thread: queue a message for <paramref name="target"/>; woken at the end of the turn.</summary>
    internal void Send(int target, IShardMessage message)
    {
        var overflow = _overflow[target];
        if (overflow.Count > 0 || !_outbound[target]!.TryEnqueue(message))
        {
            overflow.Enqueue(message);
            _overflowCount++;
        }

        _wakePending[target] = true;
        _anyWakePending = true;
    }

    /// <summary>One batch from each inbound ring per turn, so no peer can starve the others.</summary>
    private int DrainInbound()
    {
        int total = 0;
        foreach (var ring in _inbound)
        {
            if (ring is null)
            {
                continue;
            }

            int count = ring.Drain(_drainBatch);
            for (int i = 0; i < count; i++)
            {
                var message = _drainBatch[i];
                _drainBatch[i] = null!;
                try
                {
                    message.Deliver();
                }
                catch (Exception error)
                {
                    ReportUnhandled(error);
                }
            }

            total += count;
        }

        return total;
    }

    private bool InboundPending()
    {
        foreach (var ring in _inbound)
        {
            if (ring is not null && !ring.IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Retries messages that found their ring full (back-pressure), oldest first.</summary>
    private void FlushOverflow()
    {
        if (_overflowCount == 0)
        {
            return;
        }

        for (int target = 0; target < _overflow.Length; target++)
        {
            var overflow = _overflow[target];
            while (overflow.TryPeek(out var message) && _outbound[target]!.TryEnqueue(message))
            {
                overflow.Dequeue();
                _overflowCount--;
                _wakePending[target] = true;
                _anyWakePending = true;
            }
        }
    }

    /// <summary>One wake check per target per turn, after all of the turn's messages are published.</summary>
    private void WakeTargets()
    {
        if (!_anyWakePending)
        {
            return;
        }

        _anyWakePending = false;
        for (int target = 0; target < _wakePending.Length; target++)
        {
            if (_wakePending[target])
            {
                _wakePending[target] = false;
                Group[target].WakeIfSleeping();
            }
        }
    }
}
