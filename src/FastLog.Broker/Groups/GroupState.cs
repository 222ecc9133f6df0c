namespace FastLog.Broker.Groups;

/// <summary>Kafka's classic group states; the names are what DescribeGroups and ListGroups report.</summary>
internal enum GroupState
{
    /// <summary>No members; may still hold committed offsets.</summary>
    Empty,

    /// <summary>Collecting JoinGroup requests for the next generation.</summary>
    PreparingRebalance,

    /// <summary>Generation formed; waiting for the leader's assignment in SyncGroup.</summary>
    CompletingRebalance,

    /// <summary>Every member has its assignment; heartbeats keep it.</summary>
    Stable,

    /// <summary>Deleted (or being unloaded): requests get COORDINATOR_NOT_AVAILABLE and retry.</summary>
    Dead,
}
