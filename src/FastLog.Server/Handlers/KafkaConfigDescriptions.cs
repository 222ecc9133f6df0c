using FastLog.Broker.Topics;

namespace FastLog.Server.Handlers;

/// <summary>
/// Kafka's numbers for describing a config on the wire (CreateTopics v5+ and DescribeConfigs):
/// config_source (ConfigEntry.ConfigSource) and config_type (ConfigDef.Type), for FastLog's topic configs.
/// </summary>
internal static class KafkaConfigDescriptions
{
    public const sbyte DynamicTopicConfig = 1;
    public const sbyte StaticBrokerConfig = 4;
    public const sbyte DefaultConfig = 5;

    public const sbyte TypeBoolean = 1;
    public const sbyte TypeString = 2;
    public const sbyte TypeInt = 3;
    public const sbyte TypeLong = 5;
    public const sbyte TypeList = 7;

    /// <summary>Topic overrides are dynamic topic configs; broker defaults come from server.properties (static).</summary>
    public static sbyte SourceOf(ConfigSource source) => source switch
    {
        ConfigSource.Topic => DynamicTopicConfig,
        ConfigSource.BrokerDefault => StaticBrokerConfig,
        _ => DefaultConfig,
    };

    public static sbyte TypeOf(string topicConfig) => topicConfig switch
    {
        TopicConfigCatalog.CleanupPolicy => TypeList,
        TopicConfigCatalog.RetentionMs or TopicConfigCatalog.RetentionBytes or TopicConfigCatalog.SegmentMs => TypeLong,
        TopicConfigCatalog.SegmentBytes or TopicConfigCatalog.MaxMessageBytes or TopicConfigCatalog.MinInSyncReplicas => TypeInt,
        _ => TypeString,
    };
}
