namespace FastLog.Protocol;

/// <summary>
/// ListPartitionReassignments request (key 46), v0 (flexible): the reassignments in progress (KIP-455).
/// <code>
///   timeout_ms INT32 | topics NULLABLE ARRAY[name STRING, partition_indexes ARRAY[INT32]] (null = every partition)
/// </code>
/// </summary>
public sealed class ListPartitionReassignmentsRequest : KafkaMessage<ListPartitionReassignmentsRequest>
{
    public int TimeoutMs = 60000;
    public List<ListPartitionReassignmentsTopic>? Topics;

    public override ApiKey ApiKey => ApiKey.ListPartitionReassignments;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref TimeoutMs);
        codec.NullableArray(ref Topics);
    }

    public sealed class ListPartitionReassignmentsTopic : KafkaStruct
    {
        public string Name = "";
        public List<int> PartitionIndexes = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Int32Array(ref PartitionIndexes);
        }
    }
}
