using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// AlterConfigs: the configs given for a topic become its whole set of overrides (Kafka's
/// replace-all semantics; everything not given returns to its default), validated as a whole,
/// persisted, then applied to the topic's open partitions. Broker configs are read-only
/// (command line and server.properties only): altering them gets INVALID_REQUEST.
/// The per-resource work is shared with <see cref="IncrementalAlterConfigsHandler"/>.
/// </summary>
internal sealed class AlterConfigsHandler : ApiHandler<AlterConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;

    /// <summary>One requested change: a value to set, null to remove the override, or why it is refused.</summary>
    internal readonly record struct ConfigChange(string Name, string? Value, ErrorCode Error = ErrorCode.None, string? Message = null);

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, AlterConfigsRequest request) =>
        AlterAsync<AlterConfigsRequest, ConfigEntry, AlterConfigsResponse>(context.Broker, request, replaceAll: true, (_, entry) => new ConfigChange(entry.Name, entry.Value));

    /// <summary>Applies each resource's changes (turned into <see cref="ConfigChange"/>s by <paramref name="toChange"/>) and answers per resource.</summary>
    internal static async ValueTask<KafkaMessage?> AlterAsync<TRequest, TConfig, TResponse>(
        BrokerServices broker,
        AlterConfigsRequestBase<TRequest, TConfig> request,
        bool replaceAll,
        Func<TopicDescription, TConfig, ConfigChange> toChange)
        where TRequest : AlterConfigsRequestBase<TRequest, TConfig>, new()
        where TConfig : KafkaStruct, new()
        where TResponse : AlterConfigsResponseBase<TResponse>, new()
    {
        var response = new TResponse();
        foreach (var resource in request.Resources)
        {
            var (error, message) = await AlterResourceAsync(broker, resource, request.ValidateOnly, replaceAll, toChange);
            response.Responses.Add(new AlterConfigsResponseBase<TResponse>.AlterConfigsResourceResponse
            {
                ErrorCode = error,
                ErrorMessage = message,
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
            });
        }

        return response;
    }

    private static async ValueTask<(ErrorCode, string?)> AlterResourceAsync<TConfig>(
        BrokerServices broker,
        ConfigResource<TConfig> resource,
        bool validateOnly,
        bool replaceAll,
        Func<TopicDescription, TConfig, ConfigChange> toChange)
        where TConfig : KafkaStruct, new()
    {
        switch (resource.ResourceType)
        {
            case DescribeConfigsHandler.TopicResource:
                break;
            case DescribeConfigsHandler.BrokerResource:
                return (ErrorCode.InvalidRequest, "Broker configs are read-only on FastLog: set them on the command line or in server.properties.");
            default:
                return (ErrorCode.InvalidRequest, $"Resource type {resource.ResourceType} is not supported (only topics (2) and brokers (4)).");
        }

        if (broker.Topics.Find(resource.ResourceName) is not { } topic)
        {
            return (ErrorCode.UnknownTopicOrPartition, $"Topic '{resource.ResourceName}' does not exist.");
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var config in resource.Configs)
        {
            var change = toChange(topic, config);
            if (change.Error != ErrorCode.None)
            {
                return (change.Error, change.Message);
            }

            if (!changes.TryAdd(change.Name, change.Value))
            {
                return (ErrorCode.InvalidRequest, $"Config '{change.Name}' is given more than once.");
            }
        }

        try
        {
            var changed = await broker.Topics.AlterConfigsAsync(topic.Name, changes, replaceAll, validateOnly);
            if (!validateOnly)
            {
                await broker.Partitions.ReconfigureTopicAsync(changed);
            }

            return (ErrorCode.None, null);
        }
        catch (TopicRegistryException e)
        {
            return (TopicRegistryErrors.ToErrorCode(e.Error), e.Message);
        }
    }
}
