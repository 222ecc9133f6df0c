namespace FastLog.Protocol;

/// <summary>
/// ListPartitionReassignments response (key 46), v0 (flexible).
/// <code>
///   throttle_time_ms INT32 | error_code INT16 | error_message NULLABLE_STRING
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, replicas ARRAY[INT32],
///       adding_replicas ARRAY[INT32], removing_replicas ARRAY[INT32]]]
/// </code>
/// </summary>
public sealed class ListPartitionReassignmentsResponse : KafkaMessage<ListPartitionReassignmentsResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public string? ErrorMessage;
    public List<OngoingTopicReassignment> Topics = [];

    public override ApiKey ApiKey => ApiKey.ListPartitionReassignments;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        codec.NullableString(ref ErrorMessage);
        codec.Array(ref Topics);
    }

    public sealed class OngoingTopicReassignment : KafkaStruct
    {
        public string Name = "";
        public List<OngoingPartitionReassignment> Partitions = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Array(ref Partitions);
        }
    }

    public sealed class OngoingPartitionReassignment : KafkaStruct
    {
        public int PartitionIndex;
        public List<int> Replicas = [];
        public List<int> AddingReplicas = [];
        public List<int> RemovingReplicas = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int32Array(ref Replicas);
            codec.Int32Array(ref AddingReplicas);
            codec.Int32Array(ref RemovingReplicas);
        }
    }
}
