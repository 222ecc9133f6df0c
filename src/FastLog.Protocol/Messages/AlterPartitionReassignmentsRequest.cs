namespace FastLog.Protocol;

/// <summary>
/// AlterPartitionReassignments request (key 45), v0–1 (flexible in every version): move
/// partitions to new replicas, or cancel their reassignment (KIP-455).
/// <code>
///   timeout_ms INT32 | allow_replication_factor_change BOOL (v1+)
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, replicas NULLABLE ARRAY[INT32] (null = cancel)]]
/// </code>
/// </summary>
public sealed class AlterPartitionReassignmentsRequest : KafkaMessage<AlterPartitionReassignmentsRequest>
{
    public int TimeoutMs = 60000;
    public bool AllowReplicationFactorChange = true;
    public List<ReassignableTopic> Topics = [];

    public override ApiKey ApiKey => ApiKey.AlterPartitionReassignments;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref TimeoutMs);
        if (codec.Version >= 1)
            codec.Bool(ref AllowReplicationFactorChange);
        codec.Array(ref Topics);
    }

    public sealed class ReassignableTopic : KafkaStruct
    {
        public string Name = "";
        public List<ReassignablePartition> Partitions = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Array(ref Partitions);
        }
    }

    public sealed class ReassignablePartition : KafkaStruct
    {
        public int PartitionIndex;
        public List<int>? Replicas;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.NullableInt32Array(ref Replicas);
        }
    }
}
