using System.Diagnostics;

namespace FastLog.Core;

/// <summary>
/// Loop utilisation, for metrics. Protocol: single writer — the shard thread, at the end of each
/// turn (<see cref="AccountTurn"/>), adds the turn's wall time to <c>_busyTicks</c> and then the
/// idle wait's to <c>_idleTicks</c>, each with <c>Volatile.Write</c>; any thread reads them with
/// <c>Volatile.Read</c> (<see cref="LoopStats"/>). 64-bit volatile accesses are atomic, so a reader
/// never sees a torn value, and each counter only grows. The three counters are read one after
/// the other, not as one atomic snapshot: a reader may see a turn counted in one but not yet in
/// another, which a rate computed over seconds cannot notice.
/// </summary>
public sealed partial class Shard
{
    private long _busyTicks;
    private long _idleTicks;
    private long _turns;
    private long _accountedUntil; // shard thread only: the timestamp up to which time is counted

    /// <summary>Cumulative busy/idle time and turn count of this shard's loop; safe from any thread.</summary>
    public ShardLoopStats LoopStats =>
        new(Volatile.Read(ref _busyTicks), Volatile.Read(ref _idleTicks), Volatile.Read(ref _turns));

    /// <summary>Shard thread, once per turn: counts the turn as busy, then the idle wait (if any) as idle.</summary>
    private void AccountTurn(bool idle)
    {
        long now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _busyTicks, _busyTicks + (now - _accountedUntil));
        Volatile.Write(ref _turns, _turns + 1);
        _accountedUntil = now;
        if (idle)
        {
            Idle();
            _accountedUntil = Stopwatch.GetTimestamp();
            Volatile.Write(ref _idleTicks, _idleTicks + (_accountedUntil - now));
        }
    }
}
