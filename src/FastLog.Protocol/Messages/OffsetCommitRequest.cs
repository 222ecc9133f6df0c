namespace FastLog.Protocol;

/// <summary>
/// OffsetCommit request (key 8), v0–8 (flexible from v8).
/// <code>
///   group_id STRING | generation_id_or_member_epoch INT32 (v1+) | member_id STRING (v1+)
///   | group_instance_id NULLABLE_STRING (v7+) | retention_time_ms INT64 (v2–4)
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, committed_offset INT64,
///       committed_leader_epoch INT32 (v6+), commit_timestamp INT64 (v1 only), committed_metadata NULLABLE_STRING]]
/// </code>
/// </summary>
public sealed class OffsetCommitRequest : KafkaMessage<OffsetCommitRequest>
{
    public string GroupId = "";
    public int GenerationIdOrMemberEpoch = -1;
    public string MemberId = "";
    public string? GroupInstanceId;
    public long RetentionTimeMs = -1;
    public List<TopicData<OffsetCommitRequestPartition>> Topics = [];

    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref GroupId);
        if (codec.Version >= 1)
        {
            codec.Int32(ref GenerationIdOrMemberEpoch);
            codec.String(ref MemberId);
        }

        if (codec.Version >= 7)
            codec.NullableString(ref GroupInstanceId);
        if (codec.Version is >= 2 and <= 4)
            codec.Int64(ref RetentionTimeMs);
        codec.Array(ref Topics);
    }

    public sealed class OffsetCommitRequestPartition : KafkaStruct
    {
        public int PartitionIndex;
        public long CommittedOffset;
        public int CommittedLeaderEpoch = -1;
        public long CommitTimestamp = -1;
        public string? CommittedMetadata;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int64(ref CommittedOffset);
            if (codec.Version >= 6)
                codec.Int32(ref CommittedLeaderEpoch);
            if (codec.Version == 1)
                codec.Int64(ref CommitTimestamp);
            codec.NullableString(ref CommittedMetadata);
        }
    }
}
