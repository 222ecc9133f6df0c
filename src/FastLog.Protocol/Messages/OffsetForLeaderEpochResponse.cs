namespace FastLog.Protocol;

/// <summary>
/// OffsetForLeaderEpoch response (key 23), v0–4 (flexible from v4).
/// <code>
///   throttle_time_ms INT32 (v2+)
///   | topics ARRAY[topic STRING, partitions ARRAY[error_code INT16, partition INT32,
///       leader_epoch INT32 (v1+), end_offset INT64]]
/// </code>
/// An epoch the log does not know answers error NONE with leader_epoch -1 and end_offset -1
/// (Kafka's UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET: the defaults here).
/// </summary>
public sealed class OffsetForLeaderEpochResponse : KafkaMessage<OffsetForLeaderEpochResponse>
{
    public int ThrottleTimeMs;
    public List<TopicData<OffsetForLeaderPartitionResult>> Topics = [];

    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 2)
            codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Topics);
    }

    public sealed class OffsetForLeaderPartitionResult : KafkaStruct
    {
        public ErrorCode ErrorCode;
        public int Partition;
        public int LeaderEpoch = -1;
        public long EndOffset = -1;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.Int32(ref Partition);
            if (codec.Version >= 1)
                codec.Int32(ref LeaderEpoch);
            codec.Int64(ref EndOffset);
        }
    }
}
