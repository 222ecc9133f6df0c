using FastLog.Broker.Topics;
using FastLog.Protocol;
using FastLog.Server.Requests;
using Change = FastLog.Server.Handlers.TopicConfigAlteration.ConfigChange;

namespace FastLog.Server.Handlers;

/// <summary>
/// IncrementalAlterConfigs: per config, SET (0) a value or DELETE (1) the override; APPEND (2) and
/// SUBTRACT (3) work on list configs (cleanup.policy) starting from the value in force, and are
/// refused with INVALID_CONFIG on the others, as Kafka does. Other topic overrides stay as they are.
/// </summary>
internal sealed class IncrementalAlterConfigsHandler : ApiHandler<IncrementalAlterConfigsRequest>
{
    private const sbyte Set = 0;
    private const sbyte Delete = 1;
    private const sbyte Append = 2;
    private const sbyte Subtract = 3;

    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, IncrementalAlterConfigsRequest request)
    {
        if (await ControllerForwarding.TryForwardAsync<IncrementalAlterConfigsResponse>(context, request) is { } forwarded)
        {
            return forwarded;
        }

        var registry = context.Broker.Topics;
        return await TopicConfigAlteration.AlterAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsRequest.AlterableConfig, IncrementalAlterConfigsResponse>(
            context.Broker, request, replaceAll: false, (topic, config) => ToChange(registry, topic, config));
    }

    private static Change ToChange(TopicRegistry registry, TopicDescription topic, IncrementalAlterConfigsRequest.AlterableConfig config)
    {
        var name = config.Name;
        switch (config.ConfigOperation)
        {
            case Set when config.Value is null:
                return new Change(name, null, ErrorCode.InvalidRequest, $"SET of '{name}' needs a value (use DELETE to return to the default).");
            case Set:
                return new Change(name, config.Value);
            case Delete:
                return new Change(name, null);
            case Append or Subtract when !TopicConfigCatalog.TryGet(name, out _):
                return new Change(name, null, ErrorCode.InvalidConfig, $"Unknown topic config '{name}'");
            case Append or Subtract when KafkaConfigDescriptions.TypeOf(name) != KafkaConfigDescriptions.TypeList:
                return new Change(name, null, ErrorCode.InvalidConfig, $"'{name}' is not a list config: APPEND and SUBTRACT apply to list configs only.");
            case Append or Subtract:
                var items = registry.EffectiveConfig(topic, name).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                foreach (var item in (config.Value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (config.ConfigOperation == Subtract)
                    {
                        items.Remove(item);
                    }
                    else if (!items.Contains(item))
                    {
                        items.Add(item);
                    }
                }

                return new Change(name, string.Join(',', items));
            default:
                return new Change(name, null, ErrorCode.InvalidRequest, $"Unknown config operation {config.ConfigOperation} for '{name}'.");
        }
    }
}
