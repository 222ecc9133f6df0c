namespace FastLog.Protocol;

/// <summary>
/// ListOffsets response (key 2), v1–7 (flexible from v6).
/// <code>
///   throttle_time_ms INT32 (v2+)
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, error_code INT16,
///       timestamp INT64, offset INT64, leader_epoch INT32 (v4+)]]
/// </code>
/// </summary>
public sealed class ListOffsetsResponse : KafkaMessage<ListOffsetsResponse>
{
    public int ThrottleTimeMs;
    public List<TopicData<ListOffsetsPartitionResponse>> Topics = [];

    public override ApiKey ApiKey => ApiKey.ListOffsets;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 2)
            codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Topics);
    }

    public sealed class ListOffsetsPartitionResponse : KafkaStruct
    {
        public int PartitionIndex;
        public ErrorCode ErrorCode;
        public long Timestamp = -1;
        public long Offset = -1;
        public int LeaderEpoch = -1;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Error(ref ErrorCode);
            codec.Int64(ref Timestamp);
            codec.Int64(ref Offset);
            if (codec.Version >= 4)
                codec.Int32(ref LeaderEpoch);
        }
    }
}
