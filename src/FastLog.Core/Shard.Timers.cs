using System.Diagnostics;

namespace FastLog.Core;

/// <summary>
/// Shard timers: a min-heap keyed by <see cref="Stopwatch"/> timestamp, pooled entries, lazy
/// cancellation. All on the shard's thread; the loop's idle sleep is bounded by the earliest due time.
/// </summary>
public sealed partial class Shard
{
    private readonly PriorityQueue<TimerEntry, long> _timers = new();
    private readonly Stack<TimerEntry> _freeTimers = new();
    private readonly Stack<DelaySource> _freeDelays = new();

    /// <summary>
    /// Runs <paramref name="callback"/>(<paramref name="state"/>) on this shard once
    /// <paramref name="dueIn"/> has passed (zero or negative: next loop turn). Call on this shard's thread.
    /// </summary>
    public ShardTimer ScheduleTimer(TimeSpan dueIn, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ThrowIfNotCurrent();
        var entry = _freeTimers.Count > 0 ? _freeTimers.Pop() : new TimerEntry(this);
        entry.Arm(callback, state);
        _timers.Enqueue(entry, Stopwatch.GetTimestamp() + ToTimestampTicks(dueIn));
        return new ShardTimer(entry, entry.Generation);
    }

    /// <summary>Completes on this shard after <paramref name="delay"/>. Call on this shard's thread.</summary>
    public ValueTask Delay(TimeSpan delay)
    {
        ThrowIfNotCurrent();
        if (delay <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        var source = _freeDelays.Count > 0 ? _freeDelays.Pop() : new DelaySource(this, Environment.CurrentManagedThreadId);
        ScheduleTimer(delay, static s => ((DelaySource)s!).SetResult(true), source);
        return source.AsUntypedValueTask();
    }

    internal void ReturnDelay(DelaySource source) => _freeDelays.Push(source);

    /// <summary>Stopwatch ticks for <paramref name="span"/>: non-positive = 0 (due next turn); clamped so "now + ticks" cannot overflow.</summary>
    private static long ToTimestampTicks(TimeSpan span)
    {
        double ticks = span.Ticks * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond);
        return ticks <= 0 ? 0 : ticks >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)ticks;
    }

    private int RunDueTimers()
    {
        if (_timers.Count == 0)
        {
            return 0;
        }

        int fired = 0;
        long now = Stopwatch.GetTimestamp();
        while (_timers.TryPeek(out var entry, out long due) && due <= now)
        {
            _timers.Dequeue();
            var callback = entry.Callback;
            var state = entry.State;
            entry.Clear();
            _freeTimers.Push(entry);
            if (callback is not null)
            {
                fired++;
                Invoke(new ShardWorkItem(callback, state));
            }
        }

        return fired;
    }

    /// <summary>Nanoseconds until the earliest timer (0 = due now), or -1 when none is scheduled.</summary>
    private long NanosecondsToNextTimer()
    {
        if (!_timers.TryPeek(out _, out long due))
        {
            return -1;
        }

        long ticks = due - Stopwatch.GetTimestamp();
        return ticks <= 0 ? 0 : (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency)) + 1;
    }
}
