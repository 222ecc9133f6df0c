namespace FastLog.Core;

/// <summary>
/// Installed on every shard thread so that <c>await</c> of anything that completes elsewhere
/// (a Task finished on the thread pool, a .NET socket operation) resumes on the shard: Post
/// queues the continuation to the shard (local queue on the shard itself, the shard's inbox plus a
/// wake-up from any other thread).
/// </summary>
internal sealed class ShardSynchronizationContext : SynchronizationContext
{
    private readonly Shard _shard;

    public ShardSynchronizationContext(Shard shard)
    {
        _shard = shard;
    }

    public override void Post(SendOrPostCallback d, object? state) => _shard.Enqueue(new ShardWorkItem(d, state));

    /// <summary>Synchronous dispatch only on the shard itself: blocking another thread on a shard is not allowed.</summary>
    public override void Send(SendOrPostCallback d, object? state)
    {
        if (!_shard.IsCurrent)
        {
            throw new NotSupportedException("Synchronous Send to a shard from another thread is not supported; use Post or ShardGroup.RunAsync.");
        }

        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;
}
