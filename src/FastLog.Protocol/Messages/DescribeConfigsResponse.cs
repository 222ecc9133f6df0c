namespace FastLog.Protocol;

/// <summary>
/// DescribeConfigs response (key 32), v0–4 (flexible from v4).
/// <code>
///   throttle_time_ms INT32
///   | results ARRAY[error_code INT16, error_message NULLABLE_STRING, resource_type INT8, resource_name STRING,
///       configs ARRAY[name STRING, value NULLABLE_STRING, read_only BOOL, is_default BOOL (v0 only),
///         config_source INT8 (v1+), is_sensitive BOOL,
///         synonyms ARRAY[name STRING, value NULLABLE_STRING, source INT8] (v1+),
///         config_type INT8 (v3+), documentation NULLABLE_STRING (v3+)]]
/// </code>
/// </summary>
public sealed class DescribeConfigsResponse : KafkaMessage<DescribeConfigsResponse>
{
    public int ThrottleTimeMs;
    public List<DescribeConfigsResult> Results = [];

    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Results);
    }

    public sealed class DescribeConfigsResult : KafkaStruct
    {
        public ErrorCode ErrorCode;
        public string? ErrorMessage;
        public sbyte ResourceType;
        public string ResourceName = "";
        public List<DescribeConfigsResourceResult> Configs = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.NullableString(ref ErrorMessage);
            codec.Int8(ref ResourceType);
            codec.String(ref ResourceName);
            codec.Array(ref Configs);
        }
    }

    public sealed class DescribeConfigsResourceResult : KafkaStruct
    {
        public string Name = "";
        public string? Value;
        public bool ReadOnly;
        public bool IsDefault;
        public sbyte ConfigSource = -1;
        public bool IsSensitive;
        public List<DescribeConfigsSynonym> Synonyms = [];
        public sbyte ConfigType;
        public string? Documentation;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.NullableString(ref Value);
            codec.Bool(ref ReadOnly);
            if (codec.Version == 0)
                codec.Bool(ref IsDefault);
            else
                codec.Int8(ref ConfigSource);
            codec.Bool(ref IsSensitive);
            if (codec.Version >= 1)
                codec.Array(ref Synonyms);
            if (codec.Version >= 3)
            {
                codec.Int8(ref ConfigType);
                codec.NullableString(ref Documentation);
            }
        }
    }

    public sealed class DescribeConfigsSynonym : KafkaStruct
    {
        public string Name = "";
        public string? Value;
        public sbyte Source;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.NullableString(ref Value);
            codec.Int8(ref Source);
        }
    }
}
