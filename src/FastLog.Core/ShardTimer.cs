namespace FastLog.Core;

/// <summary>Handle to a timer scheduled with <see cref="Shard.ScheduleTimer"/>; default = no timer.</summary>
public readonly struct ShardTimer
{
    private readonly TimerEntry? _entry;
    private readonly int _generation;

    internal ShardTimer(TimerEntry entry, int generation)
    {
        _entry = entry;
        _generation = generation;
    }

    /// <summary>
    /// Cancels the timer; true if it had not fired yet (its callback will not run), false if it
    /// already fired or was cancelled. Call on the timer's shard.
    /// </summary>
    public bool Cancel() => _entry is not null && _entry.Cancel(_generation);
}
