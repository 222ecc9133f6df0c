using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// CreatePartitions: grows a topic to the requested total (never shrinks). Manual assignments are
/// accepted when there is one per new partition and each names only this node.
/// </summary>
internal sealed class CreatePartitionsHandler : ApiHandler<CreatePartitionsRequest>
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, CreatePartitionsRequest request)
    {
        if (await ControllerForwarding.TryForwardAsync<CreatePartitionsResponse>(context, request) is { } forwarded)
        {
            return forwarded;
        }

        var broker = context.Broker;
        var response = new CreatePartitionsResponse();
        var duplicated = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var requested in request.Topics)
        {
            var result = new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = requested.Name };
            response.Results.Add(result);
            (result.ErrorCode, result.ErrorMessage) = duplicated.Contains(requested.Name)
                ? (ErrorCode.InvalidRequest, $"Topic '{requested.Name}' appears more than once in the request.")
                : await GrowAsync(broker, requested, request.ValidateOnly);
        }

        return response;
    }

    private static async ValueTask<(ErrorCode, string?)> GrowAsync(BrokerServices broker, CreatePartitionsRequest.CreatePartitionsTopic requested, bool validateOnly)
    {
        if (requested.Assignments is { } assignments)
        {
            var current = broker.Topics.Find(requested.Name)?.PartitionCount ?? 0;
            if (assignments.Count != requested.Count - current)
            {
                return (ErrorCode.InvalidReplicaAssignment, $"{assignments.Count} assignments given for {requested.Count - current} new partitions.");
            }

            var node = broker.Options.NodeId;
            if (assignments.Any(a => a.BrokerIds is not [var only] || only != node))
            {
                return (ErrorCode.InvalidReplicaAssignment, $"Every partition must be assigned to this node ({node}) alone: FastLog runs on one node.");
            }
        }

        try
        {
            await broker.TopicLifecycle.AddPartitionsAsync(requested.Name, requested.Count, validateOnly);
            return (ErrorCode.None, null);
        }
        catch (TopicRegistryException e)
        {
            return (TopicRegistryErrors.ToErrorCode(e.Error), e.Message);
        }
    }
}
