using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// DeleteTopics by name (v1–5) or by name or topic id (v6): the registry entry goes first, then
/// the partitions are closed and their directories removed. Internal topics ("__" names) cannot
/// be deleted by clients: they hold broker state.
/// </summary>
internal sealed class DeleteTopicsHandler : ApiHandler<DeleteTopicsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DeleteTopicsRequest request)
    {
        if (await ControllerForwarding.TryForwardAsync<DeleteTopicsResponse>(context, request) is { } forwarded)
        {
            return forwarded;
        }

        var broker = context.Broker;
        var response = new DeleteTopicsResponse();
        var targets = context.ApiVersion >= 6
            ? request.Topics.Select(t => (t.Name, t.TopicId))
            : request.TopicNames.Select(name => ((string?)name, Guid.Empty));
        foreach (var (name, topicId) in targets)
        {
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = name, TopicId = topicId };
            response.Responses.Add(result);
            (result.ErrorCode, result.ErrorMessage) = await DeleteAsync(broker, name, topicId, result);
        }

        return response;
    }

    private static async ValueTask<(ErrorCode, string?)> DeleteAsync(BrokerServices broker, string? name, Guid topicId, DeleteTopicsResponse.DeletableTopicResult result)
    {
        if (name is not null && topicId != Guid.Empty)
        {
            return (ErrorCode.InvalidRequest, "Give a topic name or a topic id, not both.");
        }

        if (name is null)
        {
            if (broker.Topics.Find(topicId) is not { } byId)
            {
                return (ErrorCode.UnknownTopicId, $"No topic has id {topicId}.");
            }

            name = result.Name = byId.Name;
        }

        if (TopicName.IsInternal(name))
        {
            return (ErrorCode.InvalidTopicException, $"Topic '{name}' is internal (its name starts with \"__\") and cannot be deleted by clients.");
        }

        try
        {
            var deleted = await broker.TopicLifecycle.DeleteAsync(name);
            result.TopicId = deleted.TopicId;
            return (ErrorCode.None, null);
        }
        catch (TopicRegistryException e)
        {
            return (TopicRegistryErrors.ToErrorCode(e.Error), e.Message);
        }
    }
}
