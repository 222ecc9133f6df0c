namespace FastLog.Storage.Write;

/// <summary>
/// Whether a partition's writes are failing for lack of disk space (ENOSPC, EDQUOT), and the log
/// lines that tell the operator: a warning when it starts, an info line when appends succeed
/// again, and while it lasts at most one reminder a minute with the count of failed writes. A
/// partition that flaps (full, freed a little, full again) announces a new episode at most once a
/// minute; the episodes in between are counted silently. A full disk is not a fault: nothing stored
/// is in doubt, and appends resume by themselves once space is freed.
/// Owned by the partition's shard (its writer loop): no locking.
/// </summary>
internal sealed class DiskFullState(Action<string> warn, Action<string> info)
{
    private const long QuietMs = 60_000;

    private bool _full;
    private bool _announced;
    private long _sinceMs;
    private long _lastLineMs = -QuietMs;
    private long _failures;
    private long _failuresAtLastLine;

    /// <summary>A write (<paramref name="what"/>) failed with ENOSPC or EDQUOT.</summary>
    public void Failed(string what, Exception error, long nowMs)
    {
        _failures++;
        if (!_full)
        {
            _full = true;
            _sinceMs = nowMs;
        }

        if (nowMs - _lastLineMs < QuietMs)
        {
            return;
        }

        if (_announced)
        {
            info($"still disk full: {_failures - _failuresAtLastLine} more writes failed in the last {(nowMs - _lastLineMs) / 1000} s");
        }
        else
        {
            warn($"disk full: {what} failed ({error.Message}); appends fail with a storage error until space is freed, then resume by themselves");
            _announced = true;
        }

        _lastLineMs = nowMs;
        _failuresAtLastLine = _failures;
    }

    /// <summary>An append was stored: if the disk had been full (and that was said), say that it is over.</summary>
    public void Succeeded(long nowMs)
    {
        if (!_full)
        {
            return;
        }

        if (_announced)
        {
            info($"appends resumed: the disk had been full for {(nowMs - _sinceMs) / 1000} s ({_failures} writes failed)");
            _announced = false;
            _failures = 0;
            _failuresAtLastLine = 0;
        }

        _full = false;
    }
}
