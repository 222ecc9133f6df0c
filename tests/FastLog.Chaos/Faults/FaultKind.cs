namespace FastLog.Chaos.Faults;

/// <summary>The faults the schedule draws from (named on the command line's --faults as <see cref="FaultKinds.Name"/> gives them).</summary>
internal enum FaultKind
{
    /// <summary>kill -9 a node, keep it down for the hold, start it again.</summary>
    Kill,

    /// <summary>SIGSTOP a node for longer than the clients' request timeout, then SIGCONT.</summary>
    Pause,

    /// <summary>Fill the node's data disk for the hold, then free it.</summary>
    Disk,

    /// <summary>A cluster's <see cref="Kill"/> aimed at the broker Metadata names as the leader of one partition of the run's topic.</summary>
    LeaderKill,

    /// <summary>A cluster's <see cref="Kill"/> aimed at the controller (DescribeCluster's controller id).</summary>
    ControllerKill,

    /// <summary>Cut one broker off from the other brokers (clients still reach every broker) for the hold, then heal.</summary>
    Isolate,

    /// <summary>Every broker in turn stopped with SIGTERM and started again, each back in every ISR before the next.</summary>
    RollingRestart,

    /// <summary>
    /// Split the brokers into a minority holding the controller (the controller and the brokers
    /// after it in id order, half the cluster rounded down) and a majority, for the hold, then heal:
    /// the quorum must elect a controller on the majority side while the old one still runs.
    /// </summary>
    Split,

    /// <summary>
    /// Jepsen's bridge: the other brokers split into two halves that cannot reach each other, while
    /// one broker (the bridge) reaches both, for the hold, then heal. Each half sees the cluster
    /// through the bridge only: a failure detector that trusts indirect probes, and a leader whose
    /// followers are on the far half, are put to the test.
    /// </summary>
    Bridge,
}

/// <summary>The command line's names of the fault kinds.</summary>
internal static class FaultKinds
{
    /// <summary>kill, pause, disk, leader-kill, controller-kill, isolate, rolling-restart, split, bridge.</summary>
    public static string Name(this FaultKind kind) => string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "-") + char.ToLowerInvariant(c) : c.ToString()));

    public static bool TryParse(string name, out FaultKind kind) => Enum.TryParse(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out kind) && Enum.IsDefined(kind);

    /// <summary>Kills of a broker holding a role: their failover time is reported apart.</summary>
    public static bool IsFailover(this FaultKind kind) => kind is FaultKind.LeaderKill or FaultKind.ControllerKill;

    /// <summary>Network cuts between brokers: they need each broker in its own network namespace.</summary>
    public static bool IsNetwork(this FaultKind kind) => kind is FaultKind.Isolate or FaultKind.Split or FaultKind.Bridge;
}
