using FastLog.Metadata.Image;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// ListPartitionReassignments (KIP-455): the reassignments in progress (every partition with
/// replicas being added or removed), from the controller's image, so that an answer given after a
/// committed AlterPartitionReassignments includes it; other brokers forward the request. Unknown
/// topics and partitions are left out, as Kafka does. A single node never has one.
/// </summary>
internal sealed class ListPartitionReassignmentsHandler : ApiHandler<ListPartitionReassignmentsRequest>
{
    public override ApiKey ApiKey => ApiKey.ListPartitionReassignments;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ListPartitionReassignmentsRequest request)
    {
        if (await ControllerForwarding.TryForwardAsync<ListPartitionReassignmentsResponse>(context, request) is { } forwarded)
        {
            return forwarded;
        }

        var response = new ListPartitionReassignmentsResponse();
        if (context.Broker.Coordinator is not { } cluster)
        {
            return response;
        }

        if (!cluster.IsController)
        {
            (response.ErrorCode, response.ErrorMessage) = (ErrorCode.NotController, "No controller could be reached; retry.");
            return response;
        }

        var image = cluster.Image;
        var asked = request.Topics?.Select(t => (t.Name, (IEnumerable<int>?)t.PartitionIndexes))
            ?? image.TopicsByName.Keys.Select(name => (name, (IEnumerable<int>?)null));
        foreach (var (name, indexes) in asked)
        {
            if (!image.TopicsByName.TryGetValue(name, out var topic))
            {
                continue;
            }

            var reassigning = (indexes?.Distinct().Where(p => p >= 0 && p < topic.Partitions.Count).Select(p => topic.Partitions[p]) ?? topic.Partitions)
                .Where(p => p.IsReassigning).Select(Ongoing).ToList();
            if (reassigning.Count > 0)
            {
                response.Topics.Add(new ListPartitionReassignmentsResponse.OngoingTopicReassignment { Name = name, Partitions = reassigning });
            }
        }

        return response;
    }

    private static ListPartitionReassignmentsResponse.OngoingPartitionReassignment Ongoing(PartitionImage partition) => new()
    {
        PartitionIndex = partition.Partition,
        Replicas = [.. partition.Replicas],
        AddingReplicas = [.. partition.AddingReplicas],
        RemovingReplicas = [.. partition.RemovingReplicas],
    };
}
