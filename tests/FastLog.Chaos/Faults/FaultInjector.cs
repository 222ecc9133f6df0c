using FastLog.Chaos.Deployment;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Faults;

/// <summary>Applies one scheduled fault to the system under test and records it from injection to heal.</summary>
internal static class FaultInjector
{
    public static async Task ApplyAsync(ScheduledFault fault, ISystemUnderTest system, RunHistory history, CancellationToken cancel)
    {
        var start = history.NowMs;
        switch (fault.Kind)
        {
            case FaultKind.Kill:
                system.Kill(fault.Node);
                await Task.Delay(fault.Hold, cancel).ConfigureAwait(false);
                await system.RestartAsync(fault.Node, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Pause:
                await HoldAsync(() => system.Pause(fault.Node), () => system.Resume(fault.Node), fault.Hold, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Disk:
                await HoldAsync(() => system.FillDisk(fault.Node), () => system.FreeDisk(fault.Node), fault.Hold, cancel).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, null);
        }

        history.Record(new FaultEvent(fault.Index, fault.Kind, fault.Node, start, history.NowMs));
    }

    /// <summary>Injects, holds, and heals even when the run is cancelled during the hold.</summary>
    private static async Task HoldAsync(Action inject, Action heal, TimeSpan hold, CancellationToken cancel)
    {
        inject();
        try
        {
            await Task.Delay(hold, cancel).ConfigureAwait(false);
        }
        finally
        {
            heal();
        }
    }
}
