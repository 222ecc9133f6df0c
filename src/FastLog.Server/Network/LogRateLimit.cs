namespace FastLog.Server.Network;

/// <summary>
/// Lets one log line through per interval and counts the ones held back, so a flood of bad clients
/// (fuzzed frames, a connection storm) costs a line every few seconds, not one per event, and the
/// line that does go out says how many it stands for.
/// Threads: one shard's thread only (each shard has its own), so no field needs synchronization.
/// </summary>
internal sealed class LogRateLimit(TimeSpan interval)
{
    private long _nextAllowedMs;
    private long _heldBack;

    /// <summary>True when a line may be written now; <paramref name="heldBack"/> is how many were suppressed since the last one.</summary>
    public bool TryAcquire(out long heldBack)
    {
        var now = Environment.TickCount64;
        if (now < _nextAllowedMs)
        {
            _heldBack++;
            heldBack = 0;
            return false;
        }

        _nextAllowedMs = now + (long)interval.TotalMilliseconds;
        heldBack = _heldBack;
        _heldBack = 0;
        return true;
    }

    /// <summary>The suffix of a line that stands for <paramref name="heldBack"/> suppressed ones ("" when none).</summary>
    public string Suffix(long heldBack) =>
        heldBack == 0 ? "" : $" ({heldBack} more like it since the previous line, not logged: at most one every {interval.TotalSeconds:0} s)";
}
