namespace FastLog.LoadTests.Bench;

/// <summary>
/// One configuration of the replication runs: how many brokers, whether they run a metadata quorum
/// (a cluster, <see cref="Quorum"/>; always with several brokers) or are the embedded single node,
/// the topic's replication factor and min.insync.replicas, the producers' acks and the followers'
/// replica.flush.before.fetch.
/// </summary>
internal sealed record ReplicationSetup(string Name, string Description, int Brokers, short ReplicationFactor, int? MinInSyncReplicas, int Acks, bool FlushBeforeFetch, bool Quorum = false)
{
    /// <summary>The runs in order; the first (a single node, acks=all) is the baseline the others are compared with.</summary>
    public static IReadOnlyList<ReplicationSetup> All { get; } =
    [
        new("single-acksall", "(a) single node, acks=all", Brokers: 1, ReplicationFactor: 1, MinInSyncReplicas: null, Acks: -1, FlushBeforeFetch: true),
        new("cluster1-rf1", "(b) a one-broker cluster (its own metadata quorum, as `LocalCluster` starts it), RF=1, acks=all: what the cluster machinery costs without replication", Brokers: 1, ReplicationFactor: 1, MinInSyncReplicas: null, Acks: -1, FlushBeforeFetch: true, Quorum: true),
        new("rf3-acksall-flush", "(c) 3 brokers, RF=3, min.insync.replicas=2, acks=all, replica.flush.before.fetch=true (default)", Brokers: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, Acks: -1, FlushBeforeFetch: true),
        new("rf3-acksall-noflush", "(d) the same with replica.flush.before.fetch=false (Kafka's page-cache copies)", Brokers: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, Acks: -1, FlushBeforeFetch: false),
        new("rf3-acks1", "(e) 3 brokers, RF=3, min.insync.replicas=2, acks=1", Brokers: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, Acks: 1, FlushBeforeFetch: true),
    ];
}
