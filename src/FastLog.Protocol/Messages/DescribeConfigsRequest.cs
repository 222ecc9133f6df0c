namespace FastLog.Protocol;

/// <summary>
/// DescribeConfigs request (key 32), v0–4 (flexible from v4).
/// <code>
///   resources ARRAY[resource_type INT8, resource_name STRING, configuration_keys NULLABLE ARRAY[STRING]]
///   | include_synonyms BOOL (v1+) | include_documentation BOOL (v3+)
/// </code>
/// Resource types: 2 topic, 4 broker (Kafka's ConfigResource.Type).
/// </summary>
public sealed class DescribeConfigsRequest : KafkaMessage<DescribeConfigsRequest>
{
    public List<DescribeConfigsResource> Resources = [];
    public bool IncludeSynonyms;
    public bool IncludeDocumentation;

    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Array(ref Resources);
        if (codec.Version >= 1)
            codec.Bool(ref IncludeSynonyms);
        if (codec.Version >= 3)
            codec.Bool(ref IncludeDocumentation);
    }

    public sealed class DescribeConfigsResource : KafkaStruct
    {
        public sbyte ResourceType;
        public string ResourceName = "";
        public List<string>? ConfigurationKeys;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int8(ref ResourceType);
            codec.String(ref ResourceName);
            codec.NullableStringArray(ref ConfigurationKeys);
        }
    }
}
