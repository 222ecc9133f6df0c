using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Topics;
using FastLog.Server.Requests;
using FastLog.Protocol;
using static FastLog.Server.Handlers.KafkaConfigDescriptions;
using Config = FastLog.Protocol.DescribeConfigsResponse.DescribeConfigsResourceResult;

namespace FastLog.Server.Handlers;

/// <summary>
/// DescribeConfigs for topics (resource type 2: every known topic config with the value in force
/// and where it comes from, with synonyms on request) and for this broker (type 4, named by its
/// node id: the broker settings, all read-only because FastLog takes them from the command line
/// and server.properties only). Other resource types get INVALID_REQUEST.
/// </summary>
internal sealed class DescribeConfigsHandler : ApiHandler<DescribeConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DescribeConfigsRequest request)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Results.Add(result);
            IEnumerable<Config>? configs = null;
            switch (resource.ResourceType)
            {
                case ConfigResourceType.Topic when context.Broker.Topics.Find(resource.ResourceName) is { } topic:
                    configs = DescribeTopic(context.Broker, topic, request.IncludeSynonyms);
                    break;
                case ConfigResourceType.Topic:
                    (result.ErrorCode, result.ErrorMessage) = (ErrorCode.UnknownTopicOrPartition, $"Topic '{resource.ResourceName}' does not exist.");
                    break;
                case ConfigResourceType.Broker when resource.ResourceName.Length == 0:
                    // Cluster-wide dynamic broker defaults: FastLog has none.
                    configs = [];
                    break;
                case ConfigResourceType.Broker when resource.ResourceName == context.Broker.Options.NodeId.ToString(CultureInfo.InvariantCulture):
                    configs = DescribeBroker(context.Broker);
                    break;
                case ConfigResourceType.Broker:
                    (result.ErrorCode, result.ErrorMessage) = (ErrorCode.InvalidRequest, $"This is broker {context.Broker.Options.NodeId}, not '{resource.ResourceName}'.");
                    break;
                default:
                    (result.ErrorCode, result.ErrorMessage) = (ErrorCode.InvalidRequest, $"Resource type {resource.ResourceType} is not supported (only topics (2) and brokers (4)).");
                    break;
            }

            if (configs is not null)
            {
                result.Configs = (resource.ConfigurationKeys is { } keys ? configs.Where(c => keys.Contains(c.Name)) : configs).ToList();
            }
        }

        return ValueTask.FromResult<KafkaMessage?>(response);
    }

    private static IEnumerable<Config> DescribeTopic(BrokerServices broker, TopicDescription topic, bool includeSynonyms)
    {
        foreach (var (name, value, source) in broker.Topics.EffectiveConfigs(topic))
        {
            var config = Describe(name, value, SourceOf(source), TypeOf(name), readOnly: false);
            if (includeSynonyms)
            {
                // Kafka lists the synonyms in precedence order: the first one is the value in force.
                TopicConfigCatalog.TryGet(name, out var definition);
                if (topic.Configs.TryGetValue(name, out var own))
                {
                    config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = name, Value = own, Source = DynamicTopicConfig });
                }

                if (broker.Options.TopicDefaults.TryGetValue(name, out var brokerDefault))
                {
                    config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = definition.BrokerSynonym, Value = brokerDefault, Source = StaticBrokerConfig });
                }

                config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = definition.BrokerSynonym, Value = definition.Default, Source = DefaultConfig });
            }

            yield return config;
        }
    }

    private static IEnumerable<Config> DescribeBroker(BrokerServices broker)
    {
        var options = broker.Options;
        static string Int(long n) => n.ToString(CultureInfo.InvariantCulture);
        yield return Describe("node.id", Int(options.NodeId), StaticBrokerConfig, TypeInt);
        yield return Describe("broker.id", Int(options.NodeId), StaticBrokerConfig, TypeInt);
        yield return Describe("listeners", string.Join(",", options.Listeners), StaticBrokerConfig, TypeList);
        yield return Describe("advertised.listeners", string.Join(",", broker.Listeners.Select(l => $"{l.Name}://{l.Advertised}")), StaticBrokerConfig, TypeString);
        yield return Describe("listener.security.protocol.map", string.Join(",", options.ListenerSecurityProtocolMap.Select(e => $"{e.Key}:{e.Value}")), StaticBrokerConfig, TypeString);
        yield return Describe("inter.broker.listener.name", ListenerRules.InterBrokerListener(options).Name, StaticBrokerConfig, TypeString);
        yield return Describe("log.dirs", string.Join(",", options.DataDirectories.Select(Path.GetFullPath)), StaticBrokerConfig, TypeString);
        yield return Describe("num.partitions", Int(options.DefaultPartitions), StaticBrokerConfig, TypeInt);
        yield return Describe("auto.create.topics.enable", options.AutoCreateTopics ? "true" : "false", StaticBrokerConfig, TypeBoolean);
        yield return Describe("socket.request.max.bytes", Int(options.MaxRequestBytes), StaticBrokerConfig, TypeInt);
        yield return Describe("log.flush.interval.ms", Int(options.FlushIntervalMs), StaticBrokerConfig, TypeLong);
        yield return Describe("fastlog.shards", Int(options.ShardCount), StaticBrokerConfig, TypeInt);
        yield return Describe("fastlog.ack.durability", options.AckDurability.ToString().ToLowerInvariant(), StaticBrokerConfig, TypeString);
        foreach (var definition in TopicConfigCatalog.All)
        {
            yield return options.TopicDefaults.TryGetValue(definition.Name, out var value)
                ? Describe(definition.BrokerSynonym, value, StaticBrokerConfig, TypeOf(definition.Name))
                : Describe(definition.BrokerSynonym, definition.Default, DefaultConfig, TypeOf(definition.Name));
        }
    }

    private static Config Describe(string name, string value, sbyte source, sbyte type, bool readOnly = true) => new()
    {
        Name = name,
        Value = value,
        ReadOnly = readOnly,
        IsDefault = source == DefaultConfig,
        ConfigSource = source,
        ConfigType = type,
    };
}
