namespace FastLog.Protocol;

/// <summary>
/// DeleteRecords response (key 21), v0–2 (flexible from v2).
/// <code>
///   throttle_time_ms INT32
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, low_watermark INT64, error_code INT16]]
/// </code>
/// </summary>
public sealed class DeleteRecordsResponse : KafkaMessage<DeleteRecordsResponse>
{
    public int ThrottleTimeMs;
    public List<TopicData<DeleteRecordsPartitionResult>> Topics = [];

    public override ApiKey ApiKey => ApiKey.DeleteRecords;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Topics);
    }

    public sealed class DeleteRecordsPartitionResult : KafkaStruct
    {
        public int PartitionIndex;
        public long LowWatermark;
        public ErrorCode ErrorCode;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int64(ref LowWatermark);
            codec.Error(ref ErrorCode);
        }
    }
}
