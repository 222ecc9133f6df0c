namespace FastLog.Chaos.Faults;

/// <summary>The faults the schedule draws from (named as on the command line's --faults).</summary>
internal enum FaultKind
{
    /// <summary>kill -9 a node, keep it down for the hold, start it again.</summary>
    Kill,

    /// <summary>SIGSTOP a node for longer than the clients' request timeout, then SIGCONT.</summary>
    Pause,

    /// <summary>Fill the node's data disk for the hold, then free it.</summary>
    Disk,
}
