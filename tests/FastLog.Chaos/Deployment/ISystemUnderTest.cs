using FastLog.Chaos.Faults;

namespace FastLog.Chaos.Deployment;

/// <summary>
/// The system the harness attacks, as the fault injector sees it: numbered nodes, the bootstrap
/// address clients use, and the faults it can inflict on them. A launcher implements what it can
/// (<see cref="SupportedFaults"/>) and the schedule draws only from those: the single-node
/// launcher kills, pauses and fills the disk of its one broker; a deployment given by address
/// supports none; a cluster launcher adds more nodes and network faults without changing the
/// workload, the schedule or the checker.
/// Threads: the run calls it from one task at a time (faults are applied one after another).
/// </summary>
internal interface ISystemUnderTest : IAsyncDisposable
{
    /// <summary>One line for the report ("single fastlog node, data on a 512 MiB ext4", "external: host:9092").</summary>
    string Description { get; }

    string BootstrapServers { get; }

    int NodeCount { get; }

    IReadOnlySet<FaultKind> SupportedFaults { get; }

    /// <summary>Starts the nodes and waits until they serve.</summary>
    Task StartAsync(CancellationToken cancel);

    /// <summary>kill -9: no flush, no clean shutdown.</summary>
    void Kill(int node);

    /// <summary>Starts a killed node again on its data and address, and waits until it serves.</summary>
    Task RestartAsync(int node, CancellationToken cancel);

    /// <summary>SIGSTOP: the node stalls with its sockets open.</summary>
    void Pause(int node);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    void Resume(int node);

    /// <summary>Fills the node's data disk until nothing more can be allocated.</summary>
    void FillDisk(int node);

    /// <summary>Gives back what <see cref="FillDisk"/> took.</summary>
    void FreeDisk(int node);

    /// <summary>After the last fault: every node running, resumed, with its disk freed.</summary>
    Task HealAsync(CancellationToken cancel);
}
