namespace FastLog.Chaos.Faults;

/// <summary>
/// The ranges the schedule draws times from, in milliseconds. A pause must outlast the clients'
/// request timeout (<see cref="PauseMinMs"/> is above WorkloadOptions.RequestTimeoutMs, 3 s), or it
/// would test nothing a slow request does not. The load between faults leaves the consumer group time to rejoin a restarted
/// coordinator (group.initial.rebalance.delay.ms is 3 s), so the group reads between faults.
/// </summary>
internal sealed record FaultTiming
{
    public int LoadMinMs { get; init; } = 2000;

    public int LoadMaxMs { get; init; } = 6000;

    /// <summary>How long a killed node stays down before it is started again.</summary>
    public int KillDownMaxMs { get; init; } = 500;

    public int PauseMinMs { get; init; } = 4000;

    public int PauseMaxMs { get; init; } = 6000;

    public int DiskFullMinMs { get; init; } = 1000;

    public int DiskFullMaxMs { get; init; } = 3000;

    /// <summary>
    /// How long a network cut (isolate, split, bridge) lasts: from shorter than gossip's failure
    /// detection (about 4 s: the majority may not notice) to well past it (the majority fences the
    /// cut-off broker and moves its leadership).
    /// </summary>
    public int IsolateMinMs { get; init; } = 2000;

    public int IsolateMaxMs { get; init; } = 12000;

    /// <summary>
    /// A cluster's kills (ChaosOptions' default with --cluster): up to 8 s down, past gossip's
    /// failure detection, so that some kills move leadership and some see the broker back first.
    /// </summary>
    public static FaultTiming Cluster { get; } = new() { KillDownMaxMs = 8000 };
}
