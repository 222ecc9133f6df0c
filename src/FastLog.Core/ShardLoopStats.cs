using System.Diagnostics;

namespace FastLog.Core;

/// <summary>
/// Cumulative event-loop accounting of one shard since it started (see <see cref="Shard.LoopStats"/>).
/// Every field only grows, so a metrics exporter publishes them as counters and rates come from
/// differences: utilisation over an interval = ΔBusy / (ΔBusy + ΔIdle).
/// </summary>
/// <param name="BusyTicks"><see cref="Stopwatch"/> ticks spent in loop turns: running work, I/O submission and completion dispatch.</param>
/// <param name="IdleTicks">Stopwatch ticks spent idle: the short poll-spin plus the sleep in the kernel.</param>
/// <param name="Turns">Loop turns run.</param>
public readonly record struct ShardLoopStats(long BusyTicks, long IdleTicks, long Turns)
{
    public TimeSpan Busy => TimeSpan.FromTicks(ToTimeSpanTicks(BusyTicks));

    public TimeSpan Idle => TimeSpan.FromTicks(ToTimeSpanTicks(IdleTicks));

    private static long ToTimeSpanTicks(long stopwatchTicks) =>
        (long)(stopwatchTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
}
