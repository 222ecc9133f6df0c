using System.Collections.Immutable;
using FastLog.Broker.Coordination;
using FastLog.Broker.Replication;
using FastLog.Metadata.Controller;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// AlterPartition (KIP-497), the controller's side: a partition leader asks for a new ISR, which is
/// decided through the metadata quorum (<see cref="ControllerLogic.AlterPartition"/>) and answered
/// with the partition as committed. Anything but the controller answers NOT_CONTROLLER, so the
/// leader asks again once it knows the new one. Topics are named from v2 on by id, before by name.
/// </summary>
internal sealed class AlterPartitionHandler : ApiHandler<AlterPartitionRequest>
{
    public override ApiKey ApiKey => ApiKey.AlterPartition;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, AlterPartitionRequest request)
    {
        var response = new AlterPartitionResponse();
        if (context.Broker.Coordinator is not { IsController: true } controller)
        {
            response.ErrorCode = ErrorCode.NotController;
            return response;
        }

        var image = controller.Image;
        foreach (var topic in request.Topics)
        {
            var known = context.ApiVersion >= 2 ? image.TopicsById.GetValueOrDefault(topic.TopicId) : image.TopicsByName.GetValueOrDefault(topic.TopicName);
            var answer = new AlterPartitionResponse.TopicData { TopicId = topic.TopicId, TopicName = topic.TopicName };
            response.Topics.Add(answer);
            foreach (var partition in topic.Partitions)
            {
                var slot = new AlterPartitionResponse.PartitionData { PartitionIndex = partition.PartitionIndex, LeaderId = -1, LeaderEpoch = -1, PartitionEpoch = -1 };
                answer.Partitions.Add(slot);
                if (known is null)
                {
                    slot.ErrorCode = context.ApiVersion >= 2 ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                var isr = context.ApiVersion >= 3 ? partition.NewIsrWithEpochs.Select(b => b.BrokerId).ToImmutableArray() : [.. partition.NewIsr];
                try
                {
                    var committed = await controller.DecideIsrChangeAsync(request.BrokerId,
                        new IsrChange(known.TopicId, known.Name, partition.PartitionIndex, partition.LeaderEpoch, partition.PartitionEpoch, isr));
                    (slot.LeaderId, slot.LeaderEpoch, slot.Isr, slot.PartitionEpoch) = (committed.Leader, committed.LeaderEpoch, [.. committed.Isr], committed.PartitionEpoch);
                }
                catch (ControllerException e)
                {
                    slot.ErrorCode = ClusterCoordinator.ToErrorCode(e.Error);
                }
            }
        }

        return response;
    }
}
