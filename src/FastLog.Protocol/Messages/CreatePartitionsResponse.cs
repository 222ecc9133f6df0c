namespace FastLog.Protocol;

/// <summary>
/// CreatePartitions response (key 37), v0–3 (flexible from v2).
/// <code>
///   throttle_time_ms INT32 | results ARRAY[name STRING, error_code INT16, error_message NULLABLE_STRING]
/// </code>
/// </summary>
public sealed class CreatePartitionsResponse : KafkaMessage<CreatePartitionsResponse>
{
    public int ThrottleTimeMs;
    public List<CreatePartitionsTopicResult> Results = [];

    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Results);
    }

    public sealed class CreatePartitionsTopicResult : KafkaStruct
    {
        public string Name = "";
        public ErrorCode ErrorCode;
        public string? ErrorMessage;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Error(ref ErrorCode);
            codec.NullableString(ref ErrorMessage);
        }
    }
}
