using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// CreateTopics: each topic is created (or, with validate_only, checked) independently.
/// num_partitions -1 means the broker default. On a single node replication_factor must be -1 or 1
/// and manual assignments must list exactly this node; in a cluster the controller places the
/// replicas (-1: default.replication.factor) or checks the manual assignments. From v5 the
/// result carries the partition count, replication factor and the configs in force.
/// </summary>
internal sealed class CreateTopicsHandler : ApiHandler<CreateTopicsRequest>
{
    public override ApiKey ApiKey => ApiKey.CreateTopics;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, CreateTopicsRequest request)
    {
        var broker = context.Broker;
        var response = new CreateTopicsResponse();
        var duplicated = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var requested in request.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = requested.Name };
            response.Topics.Add(result);
            if (duplicated.Contains(requested.Name))
            {
                (result.ErrorCode, result.ErrorMessage) = (ErrorCode.InvalidRequest, $"Topic '{requested.Name}' appears more than once in the request.");
                continue;
            }

            (result.ErrorCode, result.ErrorMessage) = await CreateAsync(broker, requested, request.ValidateOnly, result);
        }

        return response;
    }

    private static async ValueTask<(ErrorCode, string?)> CreateAsync(BrokerServices broker, CreateTopicsRequest.CreatableTopic requested, bool validateOnly, CreateTopicsResponse.CreatableTopicResult result)
    {
        var (partitions, problem) = PartitionCount(broker, requested);
        if (problem is not null)
        {
            return problem.Value;
        }

        if (broker.Coordinator is null && requested.ReplicationFactor is not (-1 or 1) && requested.Assignments.Count == 0)
        {
            return (ErrorCode.InvalidReplicationFactor, $"Replication factor must be 1 (or -1 for the default) on a single-node FastLog, not {requested.ReplicationFactor}.");
        }

        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in requested.Configs)
        {
            // A null value means "not set" (the default applies).
            if (entry.Value is not null && !configs.TryAdd(entry.Name, entry.Value))
            {
                return (ErrorCode.InvalidConfig, $"Config '{entry.Name}' is given more than once.");
            }
        }

        TopicDescription topic;
        try
        {
            if (validateOnly)
            {
                broker.Topics.ValidateCreate(requested.Name, partitions, configs);
                topic = new TopicDescription(requested.Name, Guid.Empty, partitions, configs);
            }
            else
            {
                var assignments = requested.Assignments.Count == 0 ? null
                    : requested.Assignments.OrderBy(a => a.PartitionIndex).Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList();
                topic = await broker.TopicLifecycle.CreateAsync(requested.Name, partitions, configs, requested.ReplicationFactor, assignments);
            }
        }
        catch (TopicRegistryException e)
        {
            return (TopicRegistryErrors.ToErrorCode(e.Error), e.Message);
        }

        result.TopicId = topic.TopicId;
        result.NumPartitions = topic.PartitionCount;
        result.ReplicationFactor = (short)(broker.Coordinator?.Image.TopicsById.GetValueOrDefault(topic.TopicId)?.Partitions.FirstOrDefault()?.Replicas.Length ?? 1);
        result.Configs = broker.Topics.EffectiveConfigs(topic).Select(c => new CreateTopicsResponse.CreatableTopicConfigs
        {
            Name = c.Name,
            Value = c.Value,
            ConfigSource = KafkaConfigDescriptions.SourceOf(c.Source),
        }).ToList();
        return (ErrorCode.None, null);
    }

    /// <summary>The partition count asked for: explicit, the broker default (-1), or the number of manual assignments.</summary>
    private static (int Count, (ErrorCode, string)? Problem) PartitionCount(BrokerServices broker, CreateTopicsRequest.CreatableTopic requested)
    {
        if (requested.Assignments.Count == 0)
        {
            return (requested.NumPartitions == -1 ? broker.Options.DefaultPartitions : requested.NumPartitions, null);
        }

        if (requested.NumPartitions != -1 || requested.ReplicationFactor != -1)
        {
            return (0, (ErrorCode.InvalidRequest, "With manual assignments, num_partitions and replication_factor must be -1."));
        }

        var node = broker.Options.NodeId;
        var indexes = requested.Assignments.Select(a => a.PartitionIndex).Order().ToList();
        if (!indexes.SequenceEqual(Enumerable.Range(0, indexes.Count)))
        {
            return (0, (ErrorCode.InvalidReplicaAssignment, "Assigned partitions must be numbered 0 to N-1, each once."));
        }

        if (broker.Coordinator is null && requested.Assignments.Any(a => a.BrokerIds is not [var only] || only != node))
        {
            return (0, (ErrorCode.InvalidReplicaAssignment, $"Every partition must be assigned to this node ({node}) alone: FastLog runs on one node."));
        }

        return (indexes.Count, null);
    }
}
