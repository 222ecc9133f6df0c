namespace FastLog.Broker.Topics;

/// <summary>Where a config value in force comes from (DescribeConfigs' config_source).</summary>
public enum ConfigSource
{
    Topic,
    BrokerDefault,
    Default,
}
