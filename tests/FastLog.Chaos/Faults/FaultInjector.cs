using FastLog.Chaos.Deployment;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Faults;

/// <summary>
/// Applies one scheduled fault to the system under test and records it from injection to heal. A
/// fault aimed at a role finds its node first (that lookup is not part of the fault's time).
/// </summary>
internal static class FaultInjector
{
    public static async Task ApplyAsync(ScheduledFault fault, ISystemUnderTest system, string topic, RunHistory history, CancellationToken cancel)
    {
        var node = fault.Kind switch
        {
            FaultKind.LeaderKill => await Cluster(system).LeaderAsync(topic, fault.Partition, cancel).ConfigureAwait(false),
            FaultKind.ControllerKill or FaultKind.Split => await Cluster(system).ControllerAsync(cancel).ConfigureAwait(false),
            _ => fault.Node,
        };
        var start = history.NowMs;
        switch (fault.Kind)
        {
            case FaultKind.Kill or FaultKind.LeaderKill or FaultKind.ControllerKill:
                system.Kill(node);
                await Task.Delay(fault.Hold, cancel).ConfigureAwait(false);
                await system.RestartAsync(node, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Pause:
                await HoldAsync(() => system.Pause(node), () => system.Resume(node), fault.Hold, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Disk:
                await HoldAsync(() => system.FillDisk(node), () => system.FreeDisk(node), fault.Hold, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Isolate or FaultKind.Split or FaultKind.Bridge:
                var (sideA, sideB) = Sides(fault.Kind, node, system.NodeCount);
                await HoldAsync(() => Cluster(system).Cut(sideA, sideB), Cluster(system).Reconnect, fault.Hold, cancel).ConfigureAwait(false);
                break;
            case FaultKind.RollingRestart:
                await Cluster(system).RollingRestartAsync(topic, cancel).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, null);
        }

        history.Record(new FaultEvent(fault.Index, fault.Kind, node, start, history.NowMs));
    }

    /// <summary>
    /// The two sides a network fault cuts apart, as nodes numbered from 0: <paramref name="node"/>
    /// alone against the rest (isolate); <paramref name="node"/> (the controller) and the nodes after
    /// it, half the cluster rounded down, against the rest (split); the nodes other than
    /// <paramref name="node"/> (the bridge, on neither side) halved in order (bridge).
    /// </summary>
    public static (int[] SideA, int[] SideB) Sides(FaultKind kind, int node, int nodeCount)
    {
        var others = Enumerable.Range(1, nodeCount - 1).Select(i => (node + i) % nodeCount).ToArray();
        return kind switch
        {
            FaultKind.Isolate => ([node], others),
            FaultKind.Split => ([node, .. others[..(nodeCount / 2 - 1)]], others[(nodeCount / 2 - 1)..]),
            FaultKind.Bridge => (others[..(others.Length / 2)], others[(others.Length / 2)..]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a network fault"),
        };
    }

    /// <summary>The schedule draws only the faults the system supports, and only a cluster supports these.</summary>
    private static IClusterUnderTest Cluster(ISystemUnderTest system) => (IClusterUnderTest)system;

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
