namespace FastLog.Protocol;

/// <summary>
/// AlterPartitionReassignments response (key 45), v0–1 (flexible in every version).
/// <code>
///   throttle_time_ms INT32 | allow_replication_factor_change BOOL (v1+) | error_code INT16 | error_message NULLABLE_STRING
///   | responses ARRAY[name STRING, partitions ARRAY[partition_index INT32, error_code INT16, error_message NULLABLE_STRING]]
/// </code>
/// </summary>
public sealed class AlterPartitionReassignmentsResponse : KafkaMessage<AlterPartitionReassignmentsResponse>
{
    public int ThrottleTimeMs;
    public bool AllowReplicationFactorChange = true;
    public ErrorCode ErrorCode;
    public string? ErrorMessage;
    public List<TopicPartitionResults> Responses = [];

    public override ApiKey ApiKey => ApiKey.AlterPartitionReassignments;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 1)
            codec.Bool(ref AllowReplicationFactorChange);
        codec.Error(ref ErrorCode);
        codec.NullableString(ref ErrorMessage);
        codec.Array(ref Responses);
    }
}
