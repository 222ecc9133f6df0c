namespace FastLog.Protocol;

/// <summary>
/// OffsetFetch response (key 9), v0–8 (flexible from v6).
/// <code>
///   throttle_time_ms INT32 (v3+)
///   | v0–7: topics ARRAY[name STRING, partitions ARRAY[Partition]] | error_code INT16 (v2+)
///   | v8:   groups ARRAY[group_id STRING, topics ARRAY[name STRING, partitions ARRAY[Partition]], error_code INT16]
///   Partition: partition_index INT32 | committed_offset INT64 | committed_leader_epoch INT32 (v5+)
///              | metadata NULLABLE_STRING | error_code INT16
/// </code>
/// </summary>
public sealed class OffsetFetchResponse : KafkaMessage<OffsetFetchResponse>
{
    public int ThrottleTimeMs;
    public List<TopicData<OffsetFetchResponsePartition>> Topics = [];
    public ErrorCode ErrorCode;
    public List<OffsetFetchResponseGroup> Groups = [];

    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 3)
            codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 8)
        {
            codec.Array(ref Groups);
            return;
        }

        codec.Array(ref Topics);
        if (codec.Version >= 2)
            codec.Error(ref ErrorCode);
    }

    public sealed class OffsetFetchResponseGroup : KafkaStruct
    {
        public string GroupId = "";
        public List<TopicData<OffsetFetchResponsePartition>> Topics = [];
        public ErrorCode ErrorCode;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref GroupId);
            codec.Array(ref Topics);
            codec.Error(ref ErrorCode);
        }
    }

    public sealed class OffsetFetchResponsePartition : KafkaStruct
    {
        public int PartitionIndex;
        public long CommittedOffset;
        public int CommittedLeaderEpoch = -1;
        public string? Metadata;
        public ErrorCode ErrorCode;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int64(ref CommittedOffset);
            if (codec.Version >= 5)
                codec.Int32(ref CommittedLeaderEpoch);
            codec.NullableString(ref Metadata);
            codec.Error(ref ErrorCode);
        }
    }
}
