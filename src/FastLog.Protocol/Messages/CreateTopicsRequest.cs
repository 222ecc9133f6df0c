namespace FastLog.Protocol;

/// <summary>
/// CreateTopics request (key 19), v2–7 (flexible from v5).
/// <code>
///   topics ARRAY[name STRING, num_partitions INT32, replication_factor INT16,
///       assignments ARRAY[partition_index INT32, broker_ids ARRAY[INT32]],
///       configs ARRAY[name STRING, value NULLABLE_STRING]]
///   | timeout_ms INT32 | validate_only BOOL
/// </code>
/// num_partitions / replication_factor -1 mean "broker default".
/// </summary>
public sealed class CreateTopicsRequest : KafkaMessage<CreateTopicsRequest>
{
    public List<CreatableTopic> Topics = [];
    public int TimeoutMs = 60000;
    public bool ValidateOnly;

    public override ApiKey ApiKey => ApiKey.CreateTopics;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Array(ref Topics);
        codec.Int32(ref TimeoutMs);
        codec.Bool(ref ValidateOnly);
    }

    public sealed class CreatableTopic : KafkaStruct
    {
        public string Name = "";
        public int NumPartitions;
        public short ReplicationFactor;
        public List<CreatableReplicaAssignment> Assignments = [];
        public List<ConfigEntry> Configs = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Int32(ref NumPartitions);
            codec.Int16(ref ReplicationFactor);
            codec.Array(ref Assignments);
            codec.Array(ref Configs);
        }
    }

    public sealed class CreatableReplicaAssignment : KafkaStruct
    {
        public int PartitionIndex;
        public List<int> BrokerIds = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int32Array(ref BrokerIds);
        }
    }
}
