namespace FastLog.Protocol;

/// <summary>
/// DeleteTopics response (key 20), v1–6 (flexible from v4).
/// <code>
///   throttle_time_ms INT32
///   | responses ARRAY[name STRING (nullable v6+), topic_id UUID (v6+), error_code INT16, error_message NULLABLE_STRING (v5+)]
/// </code>
/// </summary>
public sealed class DeleteTopicsResponse : KafkaMessage<DeleteTopicsResponse>
{
    public int ThrottleTimeMs;
    public List<DeletableTopicResult> Responses = [];

    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Responses);
    }

    public sealed class DeletableTopicResult : KafkaStruct
    {
        public string? Name;
        public Guid TopicId;
        public ErrorCode ErrorCode;
        public string? ErrorMessage;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.NullableString(ref Name, nullable: codec.Version >= 6);
            if (codec.Version >= 6)
                codec.Uuid(ref TopicId);
            codec.Error(ref ErrorCode);
            if (codec.Version >= 5)
                codec.NullableString(ref ErrorMessage);
        }
    }
}
