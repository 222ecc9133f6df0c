namespace FastLog.Storage;

/// <summary>Waiting for new data (Fetch long-polling) without holding the shard.</summary>
internal sealed partial class PartitionLog
{
    private readonly List<(long Offset, TaskCompletionSource<bool> Waiter)> _dataWaiters = [];

    /// <summary>
    /// Completes with true once the high watermark passes <paramref name="offset"/> (a read at
    /// <paramref name="offset"/> would return data), or with false after <paramref name="maxWait"/>
    /// or when the log closes. Fetch long-polling: the shard keeps running meanwhile.
    /// </summary>
    public Task<bool> WaitForDataAsync(long offset, TimeSpan maxWait)
    {
        if (HighWatermark > offset || _closed || maxWait <= TimeSpan.Zero)
        {
            return Task.FromResult(HighWatermark > offset);
        }

        _dataWaiters.RemoveAll(static w => w.Waiter.Task.IsCompleted);
        var waiter = new TaskCompletionSource<bool>();
        _dataWaiters.Add((offset, waiter));
        _io.ScheduleTimer(maxWait, static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), waiter);
        return waiter.Task;
    }

    /// <summary>Wakes the waiters the last commit satisfied (all of them, with false, once closed).</summary>
    private void WakeDataWaiters()
    {
        if (_dataWaiters.Count == 0)
        {
            return;
        }

        var highWatermark = _closed ? long.MaxValue : HighWatermark;
        _dataWaiters.RemoveAll(w =>
        {
            if (w.Offset < highWatermark)
            {
                w.Waiter.TrySetResult(!_closed);
                return true;
            }

            return w.Waiter.Task.IsCompleted;
        });
    }
}
