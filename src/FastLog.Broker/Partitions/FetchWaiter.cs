namespace FastLog.Broker.Partitions;

/// <summary>
/// One fetch long-poll waiting on one owner shard for records to arrive in any of its partitions,
/// for its deadline, or for the fetching shard to call it off (another owner already has data).
/// Lives on the owner shard: every member runs there, so nothing is synchronized.
/// </summary>
public sealed class FetchWaiter
{
    private TaskCompletionSource _wake = NewSignal();

    /// <summary>Set once the fetching shard no longer needs this owner's records.</summary>
    public bool CalledOff { get; private set; }

    /// <summary>Completes at the next <see cref="Wake"/> since the last <see cref="Rearm"/>.</summary>
    public Task Woken => _wake.Task;

    public void Wake() => _wake.TrySetResult();

    public void CallOff()
    {
        CalledOff = true;
        Wake();
    }

    /// <summary>Prepares for another round of waiting after a wake-up that did not end the long-poll.</summary>
    public void Rearm()
    {
        if (_wake.Task.IsCompleted && !CalledOff)
        {
            _wake = NewSignal();
        }
    }

    // Continuations are posted to the shard rather than run inside Wake(), which is called from the
    // middle of an append's completion.
    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
