using FastLog.Broker.Coordination;
using FastLog.Metadata.Controller;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// AlterPartitionReassignments (KIP-455): starts, replaces or (null replicas) cancels each
/// partition's reassignment through the controller
/// (<see cref="ControllerLogic.AlterPartitionReassignment"/>), answered per partition once
/// committed; the data moves afterwards, and ListPartitionReassignments tells when it is done.
/// Other brokers forward the request. A single node checks the request the same way: its only
/// valid target is itself, which is already the assignment.
/// </summary>
internal sealed class AlterPartitionReassignmentsHandler : ApiHandler<AlterPartitionReassignmentsRequest>
{
    public override ApiKey ApiKey => ApiKey.AlterPartitionReassignments;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, AlterPartitionReassignmentsRequest request)
    {
        if (await ControllerForwarding.TryForwardAsync<AlterPartitionReassignmentsResponse>(context, request) is { } forwarded)
        {
            return forwarded;
        }

        var response = new AlterPartitionReassignmentsResponse { AllowReplicationFactorChange = request.AllowReplicationFactorChange };
        foreach (var topic in request.Topics)
        {
            var answer = new TopicPartitionResults { Name = topic.Name };
            response.Responses.Add(answer);
            foreach (var partition in topic.Partitions)
            {
                var slot = new PartitionResult { PartitionIndex = partition.PartitionIndex };
                answer.Partitions.Add(slot);
                var target = partition.Replicas is { } replicas ? [.. replicas] : (System.Collections.Immutable.ImmutableArray<int>?)null;
                try
                {
                    if (context.Broker.Coordinator is { } cluster)
                    {
                        await cluster.ReassignPartitionAsync(topic.Name, partition.PartitionIndex, target, request.AllowReplicationFactorChange);
                    }
                    else
                    {
                        ControllerLogic.AlterPartitionReassignment(SingleNodeImage.Of(context.Broker), topic.Name, partition.PartitionIndex, target, request.AllowReplicationFactorChange);
                    }
                }
                catch (ControllerException e)
                {
                    (slot.ErrorCode, slot.ErrorMessage) = (ClusterCoordinator.ToErrorCode(e.Error), e.Message);
                }
            }
        }

        return response;
    }
}
