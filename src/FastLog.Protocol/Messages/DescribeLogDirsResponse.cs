namespace FastLog.Protocol;

/// <summary>
/// DescribeLogDirs response (key 35), v0–4 (flexible from v2).
/// <code>
///   throttle_time_ms INT32 | error_code INT16 (v3+)
///   | results ARRAY[error_code INT16, log_dir STRING,
///       topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, partition_size INT64,
///                                                   offset_lag INT64, is_future_key BOOL]],
///       total_bytes INT64 (v4+), usable_bytes INT64 (v4+)]
/// </code>
/// </summary>
public sealed class DescribeLogDirsResponse : KafkaMessage<DescribeLogDirsResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public List<DescribeLogDirsResult> Results = [];

    public override ApiKey ApiKey => ApiKey.DescribeLogDirs;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 3)
            codec.Error(ref ErrorCode);
        codec.Array(ref Results);
    }

    public sealed class DescribeLogDirsResult : KafkaStruct
    {
        /// <summary>Kafka's default for a directory whose volume size is not known (and for v0–3).</summary>
        public const long UnknownBytes = -1;

        public ErrorCode ErrorCode;
        public string LogDir = "";
        public List<TopicData<DescribeLogDirsPartition>> Topics = [];
        public long TotalBytes = UnknownBytes;
        public long UsableBytes = UnknownBytes;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.String(ref LogDir);
            codec.Array(ref Topics);
            if (codec.Version >= 4)
            {
                codec.Int64(ref TotalBytes);
                codec.Int64(ref UsableBytes);
            }
        }
    }

    public sealed class DescribeLogDirsPartition : KafkaStruct
    {
        public int PartitionIndex;
        public long PartitionSize;
        public long OffsetLag;
        public bool IsFutureKey;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int64(ref PartitionSize);
            codec.Int64(ref OffsetLag);
            codec.Bool(ref IsFutureKey);
        }
    }
}
