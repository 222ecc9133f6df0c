namespace FastLog.LoadTests.Bench;

/// <summary>
/// One configuration of the replication runs: how many brokers, the topic's replication factor and
/// min.insync.replicas, the producers' acks and the followers' replica.flush.before.fetch.
/// </summary>
internal sealed record ReplicationSetup(string Name, string Description, int Brokers, short ReplicationFactor, int? MinInSyncReplicas, int Acks, bool FlushBeforeFetch)
{
    /// <summary>The runs in order; the first (a single node, acks=all) is the baseline the others are compared with.</summary>
    public static IReadOnlyList<ReplicationSetup> All { get; } =
    [
        new("single-acksall", "(a) single node, acks=all", Brokers: 1, ReplicationFactor: 1, MinInSyncReplicas: null, Acks: -1, FlushBeforeFetch: true),
        new("rf3-acksall-flush", "(b) 3 brokers, RF=3, min.insync.replicas=2, acks=all, replica.flush.before.fetch=true (default)", Brokers: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, Acks: -1, FlushBeforeFetch: true),
        new("rf3-acksall-noflush", "(c) the same with replica.flush.before.fetch=false (Kafka's page-cache copies)", Brokers: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, Acks: -1, FlushBeforeFetch: false),
        new("rf3-acks1", "(d) 3 brokers, RF=3, min.insync.replicas=2, acks=1", Brokers: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, Acks: 1, FlushBeforeFetch: true),
    ];
}
