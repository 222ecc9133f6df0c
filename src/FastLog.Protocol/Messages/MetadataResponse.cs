namespace FastLog.Protocol;

/// <summary>
/// Metadata response (key 3), v0–13 (flexible from v9).
/// <code>
///   throttle_time_ms INT32 (v3+) | brokers ARRAY[BrokerEndpoint (rack v1+)] | cluster_id NULLABLE_STRING (v2+)
///   | controller_id INT32 (v1+)
///   | topics ARRAY[error_code INT16, name STRING (nullable v12+), topic_id UUID (v10+), is_internal BOOL (v1+),
///       partitions ARRAY[error_code INT16, partition_index INT32, leader_id INT32, leader_epoch INT32 (v7+),
///         replica_nodes ARRAY[INT32], isr_nodes ARRAY[INT32], offline_replicas ARRAY[INT32] (v5+)],
///       topic_authorized_operations INT32 (v8+)]
///   | cluster_authorized_operations INT32 (v8–10) | error_code INT16 (v13+, top-level, KIP-1102)
/// </code>
/// </summary>
public sealed class MetadataResponse : KafkaMessage<MetadataResponse>
{
    /// <summary>Kafka's "authorized operations not requested" sentinel (INT32 min).</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    public int ThrottleTimeMs;
    public List<BrokerEndpoint> Brokers = [];
    public string? ClusterId;
    public int ControllerId = -1;
    public List<MetadataResponseTopic> Topics = [];
    public int ClusterAuthorizedOperations = AuthorizedOperationsOmitted;
    public ErrorCode ErrorCode;

    public override ApiKey ApiKey => ApiKey.Metadata;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 3)
            codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 1)
            codec.Array(ref Brokers);
        else
            codec.Array(ref Brokers, BrokerEndpoint.WithoutRack);
        if (codec.Version >= 2)
            codec.NullableString(ref ClusterId);
        if (codec.Version >= 1)
            codec.Int32(ref ControllerId);
        codec.Array(ref Topics);
        if (codec.Version is >= 8 and <= 10)
            codec.Int32(ref ClusterAuthorizedOperations);
        if (codec.Version >= 13)
            codec.Error(ref ErrorCode);
    }

    public sealed class MetadataResponseTopic : KafkaStruct
    {
        public ErrorCode ErrorCode;
        public string? Name;
        public Guid TopicId;
        public bool IsInternal;
        public List<MetadataResponsePartition> Partitions = [];
        public int TopicAuthorizedOperations = AuthorizedOperationsOmitted;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.NullableString(ref Name, nullable: codec.Version >= 12);
            if (codec.Version >= 10)
                codec.Uuid(ref TopicId);
            if (codec.Version >= 1)
                codec.Bool(ref IsInternal);
            codec.Array(ref Partitions);
            if (codec.Version >= 8)
                codec.Int32(ref TopicAuthorizedOperations);
        }
    }

    public sealed class MetadataResponsePartition : KafkaStruct
    {
        public ErrorCode ErrorCode;
        public int PartitionIndex;
        public int LeaderId;
        public int LeaderEpoch = -1;
        public List<int> ReplicaNodes = [];
        public List<int> IsrNodes = [];
        public List<int> OfflineReplicas = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.Int32(ref PartitionIndex);
            codec.Int32(ref LeaderId);
            if (codec.Version >= 7)
                codec.Int32(ref LeaderEpoch);
            codec.Int32Array(ref ReplicaNodes);
            codec.Int32Array(ref IsrNodes);
            if (codec.Version >= 5)
                codec.Int32Array(ref OfflineReplicas);
        }
    }
}
