namespace FastLog.Protocol;

/// <summary>
/// ElectLeaders response (key 43), v0–2 (flexible from v2).
/// <code>
///   throttle_time_ms INT32 | error_code INT16 (v1+)
///   | replica_election_results ARRAY[topic STRING,
///       partition_result ARRAY[partition_id INT32, error_code INT16, error_message NULLABLE_STRING]]
/// </code>
/// </summary>
public sealed class ElectLeadersResponse : KafkaMessage<ElectLeadersResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public List<TopicPartitionResults> Results = [];

    public override ApiKey ApiKey => ApiKey.ElectLeaders;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 1)
            codec.Error(ref ErrorCode);
        codec.Array(ref Results);
    }
}
