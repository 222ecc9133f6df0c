namespace FastLog.Chaos.Deployment;

/// <summary>
/// A system of several brokers: the faults aimed at a role (the leader of a partition, the
/// controller), the network cuts and the rolling restart. Nodes are numbered from 0 as in
/// <see cref="ISystemUnderTest"/>.
/// Threads: called from the run's fault task, one call at a time.
/// </summary>
internal interface IClusterUnderTest : ISystemUnderTest
{
    /// <summary>The running node Metadata names as the leader of <paramref name="partition"/> of <paramref name="topic"/>.</summary>
    Task<int> LeaderAsync(string topic, int partition, CancellationToken cancel);

    /// <summary>The running node DescribeCluster names as the controller.</summary>
    Task<int> ControllerAsync(CancellationToken cancel);

    /// <summary>Cuts every link between a node of <paramref name="sideA"/> and one of <paramref name="sideB"/>, both ways; clients still reach every node.</summary>
    void Cut(IReadOnlyCollection<int> sideA, IReadOnlyCollection<int> sideB);

    /// <summary>Restores every link <see cref="Cut"/> cut.</summary>
    void Reconnect();

    /// <summary>Each node in turn stopped cleanly (SIGTERM) and started again, back in every ISR of <paramref name="topic"/> before the next.</summary>
    Task RollingRestartAsync(string topic, CancellationToken cancel);
}
