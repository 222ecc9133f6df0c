namespace FastLog.Broker.Topics;

/// <summary>Where a config value in force comes from (DescribeConfigs' config_source).</summary>
internal enum ConfigSource
{
    Topic,
    BrokerDefault,
    Default,
}
