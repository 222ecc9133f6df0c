namespace FastLog.Protocol;

/// <summary>
/// ListOffsets request (key 2), v1–7 (flexible from v6).
/// <code>
///   replica_id INT32 | isolation_level INT8 (v2+)
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, current_leader_epoch INT32 (v4+), timestamp INT64]]
/// </code>
/// Timestamp -1 asks for the latest offset, -2 for the earliest.
/// </summary>
public sealed class ListOffsetsRequest : KafkaMessage<ListOffsetsRequest>
{
    public const long LatestTimestamp = -1;
    public const long EarliestTimestamp = -2;

    public int ReplicaId = -1;
    public sbyte IsolationLevel;
    public List<TopicData<ListOffsetsPartition>> Topics = [];

    public override ApiKey ApiKey => ApiKey.ListOffsets;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ReplicaId);
        if (codec.Version >= 2)
            codec.Int8(ref IsolationLevel);
        codec.Array(ref Topics);
    }

    public sealed class ListOffsetsPartition : KafkaStruct
    {
        public int PartitionIndex;
        public int CurrentLeaderEpoch = -1;
        public long Timestamp;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            if (codec.Version >= 4)
                codec.Int32(ref CurrentLeaderEpoch);
            codec.Int64(ref Timestamp);
        }
    }
}
