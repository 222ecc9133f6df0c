namespace FastLog.Protocol;

/// <summary>
/// OffsetDelete response (key 47), v0 (never flexible).
/// <code>
///   error_code INT16 | throttle_time_ms INT32
///   | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, error_code INT16]]
/// </code>
/// </summary>
public sealed class OffsetDeleteResponse : KafkaMessage<OffsetDeleteResponse>
{
    public ErrorCode ErrorCode;
    public int ThrottleTimeMs;
    public List<TopicData<PartitionError>> Topics = [];

    public override ApiKey ApiKey => ApiKey.OffsetDelete;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Error(ref ErrorCode);
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Topics);
    }
}
