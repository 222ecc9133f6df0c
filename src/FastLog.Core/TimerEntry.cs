namespace FastLog.Core;

/// <summary>
/// A pooled timer in a shard's heap. Touched only on the owning shard's thread. Cancellation is
/// lazy: a cancelled entry stays in the heap with no callback and is recycled when it comes due.
/// <see cref="Generation"/> changes whenever the entry fires or is cancelled, so a stale
/// <see cref="ShardTimer"/> handle can never cancel the entry's next use.
/// </summary>
internal sealed class TimerEntry
{
    private readonly Shard _owner;

    public TimerEntry(Shard owner)
    {
        _owner = owner;
    }

    public Action<object?>? Callback { get; private set; }

    public object? State { get; private set; }

    public int Generation { get; private set; }

    public void Arm(Action<object?> callback, object? state)
    {
        Callback = callback;
        State = state;
    }

    public bool Cancel(int generation)
    {
        _owner.ThrowIfNotCurrent();
        if (generation != Generation || Callback is null)
        {
            return false;
        }

        Clear();
        return true;
    }

    /// <summary>Forgets the callback and invalidates outstanding handles.</summary>
    public void Clear()
    {
        Callback = null;
        State = null;
        Generation++;
    }
}
