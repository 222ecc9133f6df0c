namespace FastLog.Protocol;

/// <summary>
/// OffsetCommit response (key 8), v0–8 (flexible from v8).
/// <code>
///   throttle_time_ms INT32 (v3+) | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, error_code INT16]]
/// </code>
/// </summary>
public sealed class OffsetCommitResponse : KafkaMessage<OffsetCommitResponse>
{
    public int ThrottleTimeMs;
    public List<TopicData<PartitionError>> Topics = [];

    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 3)
            codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Topics);
    }
}
