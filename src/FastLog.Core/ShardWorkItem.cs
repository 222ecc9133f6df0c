namespace FastLog.Core;

/// <summary>A queued callback for a shard: either a <see cref="Shard.Post"/> action or a SynchronizationContext post.</summary>
internal readonly struct ShardWorkItem
{
    private readonly Action<object?>? _action;
    private readonly SendOrPostCallback? _callback;
    private readonly object? _state;

    public ShardWorkItem(Action<object?> action, object? state)
    {
        _action = action;
        _state = state;
    }

    public ShardWorkItem(SendOrPostCallback callback, object? state)
    {
        _callback = callback;
        _state = state;
    }

    public void Invoke()
    {
        if (_action is not null)
        {
            _action(_state);
        }
        else
        {
            _callback!(_state);
        }
    }
}
