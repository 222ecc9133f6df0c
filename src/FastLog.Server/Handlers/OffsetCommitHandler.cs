using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>OffsetCommit, on the group's owner shard: answered once the offsets are durable in the offsets log.</summary>
internal sealed class OffsetCommitHandler : ApiHandler<OffsetCommitRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, OffsetCommitRequest request) =>
        await GroupRouting.OnCoordinatorAsync(context, request.GroupId, (request, context.Broker.Topics), static (shard, s) => shard.CommitAsync(s.request, s.Topics),
            error => new OffsetCommitResponse
            {
                Topics = request.Topics.Select(t => new TopicData<PartitionError>
                {
                    Name = t.Name,
                    Partitions = t.Partitions.Select(p => new PartitionError { PartitionIndex = p.PartitionIndex, ErrorCode = error }).ToList(),
                }).ToList(),
            });
}
