namespace FastLog.Protocol;

/// <summary>
/// CreateTopics response (key 19), v2–7 (flexible from v5).
/// <code>
///   throttle_time_ms INT32
///   | topics ARRAY[name STRING, topic_id UUID (v7+), error_code INT16, error_message NULLABLE_STRING,
///       num_partitions INT32 (v5+), replication_factor INT16 (v5+),
///       configs NULLABLE ARRAY[name STRING, value NULLABLE_STRING, read_only BOOL, config_source INT8, is_sensitive BOOL] (v5+),
///       tagged (v5+): 0 topic_config_error_code INT16]
/// </code>
/// </summary>
public sealed class CreateTopicsResponse : KafkaMessage<CreateTopicsResponse>
{
    public int ThrottleTimeMs;
    public List<CreatableTopicResult> Topics = [];

    public override ApiKey ApiKey => ApiKey.CreateTopics;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Topics);
    }

    public sealed class CreatableTopicResult : KafkaStruct
    {
        public string Name = "";
        public Guid TopicId;
        public ErrorCode ErrorCode;
        public string? ErrorMessage;
        public ErrorCode TopicConfigErrorCode;
        public int NumPartitions = -1;
        public short ReplicationFactor = -1;
        public List<CreatableTopicConfigs>? Configs = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            if (codec.Version >= 7)
                codec.Uuid(ref TopicId);
            codec.Error(ref ErrorCode);
            codec.NullableString(ref ErrorMessage);
            if (codec.Version >= 5)
            {
                codec.Int32(ref NumPartitions);
                codec.Int16(ref ReplicationFactor);
                codec.NullableArray(ref Configs);
            }
        }

        internal override void MapTaggedFields(ref KafkaCodec codec)
        {
            var tags = codec.BeginTaggedFields(known: 0b1, present: TopicConfigErrorCode == ErrorCode.None ? 0u : 1u);
            while (codec.NextTaggedField(ref tags, out _))
                codec.Error(ref TopicConfigErrorCode);
        }
    }

    public sealed class CreatableTopicConfigs : KafkaStruct
    {
        public string Name = "";
        public string? Value;
        public bool ReadOnly;
        public sbyte ConfigSource = -1;
        public bool IsSensitive;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.NullableString(ref Value);
            codec.Bool(ref ReadOnly);
            codec.Int8(ref ConfigSource);
            codec.Bool(ref IsSensitive);
        }
    }
}
