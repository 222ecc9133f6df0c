using System.Diagnostics;

namespace FastLog.Storage;

/// <summary>
/// The background scrub's byte budget for the partitions of one shard (a token bucket): each
/// scrub slice takes what it reads from here, so however many partitions a shard owns, together
/// they re-read at most <see cref="BytesPerSecond"/> (plus one batch over, when a batch is larger
/// than a slice). Threading: one budget per shard, used only on that shard's thread; nothing locks.
/// </summary>
public sealed class ScrubBudget
{
    /// <summary>Largest read one scrub slice makes: CRC-32C of it takes ~10 us, so a slice never holds the shard.</summary>
    internal const int SliceBytes = 64 * 1024;

    private readonly long _capacity;
    private long _tokens;
    private long _refilledAt;

    public ScrubBudget(long bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        BytesPerSecond = bytesPerSecond;

        // A tenth of a second of budget, at least one slice: small bursts, no catching up after idle time.
        _capacity = Math.Max(SliceBytes, bytesPerSecond / 10);
        _refilledAt = Stopwatch.GetTimestamp();
    }

    public long BytesPerSecond { get; }

    /// <summary>How long a scrub waits before asking again when the budget is spent.</summary>
    internal TimeSpan RetryDelay => TimeSpan.FromMilliseconds(Math.Clamp(SliceBytes * 1000L / BytesPerSecond, 10, 1000));

    /// <summary>Grants up to <paramref name="wanted"/> bytes (0 while fewer than that are available, so reads stay whole slices).</summary>
    internal int Take(int wanted)
    {
        var now = Stopwatch.GetTimestamp();
        var refill = (long)(Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * BytesPerSecond);
        if (refill > 0)
        {
            _tokens = Math.Min(_capacity, _tokens + refill);
            _refilledAt = now;
        }

        if (_tokens < wanted)
        {
            return 0;
        }

        _tokens -= wanted;
        return wanted;
    }

    /// <summary>Charges bytes read beyond a grant (a batch larger than a slice must be read whole); the debt delays later slices.</summary>
    internal void Charge(long bytes) => _tokens -= bytes;
}
