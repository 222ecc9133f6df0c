using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>OffsetDelete, on the group's owner shard: offsets of topics the group no longer consumes.</summary>
internal sealed class OffsetDeleteHandler : ApiHandler<OffsetDeleteRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetDelete;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, OffsetDeleteRequest request) =>
        await GroupRouting.OnCoordinatorAsync(context, request.GroupId, request, static (shard, r) => shard.DeleteOffsetsAsync(r), static error => new OffsetDeleteResponse { ErrorCode = error });
}
