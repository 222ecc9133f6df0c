namespace FastLog.Protocol;

/// <summary>
/// Fetch request (key 1), v4–12 (flexible from v12).
/// <code>
///   replica_id INT32 | max_wait_ms INT32 | min_bytes INT32 | max_bytes INT32 | isolation_level INT8
///   | session_id INT32 (v7+) | session_epoch INT32 (v7+)
///   | topics ARRAY[topic STRING, partitions ARRAY[partition INT32, current_leader_epoch INT32 (v9+),
///       fetch_offset INT64, last_fetched_epoch INT32 (v12+), log_start_offset INT64 (v5+), partition_max_bytes INT32]]
///   | forgotten_topics_data ARRAY[topic STRING, partitions ARRAY[INT32]] (v7+)
///   | rack_id STRING (v11+)
///   | tagged (v12): 0 cluster_id COMPACT_NULLABLE_STRING
/// </code>
/// </summary>
public sealed class FetchRequest : KafkaMessage<FetchRequest>
{
    public string? ClusterId;
    public int ReplicaId = -1;
    public int MaxWaitMs;
    public int MinBytes;
    public int MaxBytes = int.MaxValue;
    public sbyte IsolationLevel;
    public int SessionId;
    public int SessionEpoch = -1;
    public List<TopicData<FetchPartition>> Topics = [];
    public List<TopicPartitionIndexes> ForgottenTopicsData = [];
    public string RackId = "";

    public override ApiKey ApiKey => ApiKey.Fetch;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ReplicaId);
        codec.Int32(ref MaxWaitMs);
        codec.Int32(ref MinBytes);
        codec.Int32(ref MaxBytes);
        codec.Int8(ref IsolationLevel);
        if (codec.Version >= 7)
        {
            codec.Int32(ref SessionId);
            codec.Int32(ref SessionEpoch);
        }

        codec.Array(ref Topics);
        if (codec.Version >= 7)
            codec.Array(ref ForgottenTopicsData);
        if (codec.Version >= 11)
            codec.String(ref RackId);
    }

    internal override void MapTaggedFields(ref KafkaCodec codec)
    {
        var tags = codec.BeginTaggedFields(known: 0b1, present: ClusterId is null ? 0u : 1u);
        while (codec.NextTaggedField(ref tags, out _))
            codec.NullableString(ref ClusterId);
    }

    public sealed class FetchPartition : KafkaStruct
    {
        public int Partition;
        public int CurrentLeaderEpoch = -1;
        public long FetchOffset;
        public int LastFetchedEpoch = -1;
        public long LogStartOffset = -1;
        public int PartitionMaxBytes;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref Partition);
            if (codec.Version >= 9)
                codec.Int32(ref CurrentLeaderEpoch);
            codec.Int64(ref FetchOffset);
            if (codec.Version >= 12)
                codec.Int32(ref LastFetchedEpoch);
            if (codec.Version >= 5)
                codec.Int64(ref LogStartOffset);
            codec.Int32(ref PartitionMaxBytes);
        }
    }
}
