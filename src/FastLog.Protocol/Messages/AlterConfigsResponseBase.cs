namespace FastLog.Protocol;

/// <summary>
/// The body shared by AlterConfigs and IncrementalAlterConfigs responses (identical on the wire).
/// <code>
///   throttle_time_ms INT32
///   | responses ARRAY[error_code INT16, error_message NULLABLE_STRING, resource_type INT8, resource_name STRING]
/// </code>
/// </summary>
public abstract class AlterConfigsResponseBase<TSelf> : KafkaMessage<TSelf>
    where TSelf : AlterConfigsResponseBase<TSelf>, new()
{
    public int ThrottleTimeMs;
    public List<AlterConfigsResourceResponse> Responses = [];

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Responses);
    }

    public sealed class AlterConfigsResourceResponse : KafkaStruct
    {
        public ErrorCode ErrorCode;
        public string? ErrorMessage;
        public sbyte ResourceType;
        public string ResourceName = "";

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.NullableString(ref ErrorMessage);
            codec.Int8(ref ResourceType);
            codec.String(ref ResourceName);
        }
    }
}
