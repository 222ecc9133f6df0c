using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>SyncGroup, on the group's owner shard; followers wait there for the leader's assignment.</summary>
internal sealed class SyncGroupHandler : ApiHandler<SyncGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.SyncGroup;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, SyncGroupRequest request) =>
        await GroupRouting.OnCoordinatorAsync(context, request.GroupId, request, static (shard, r) => new ValueTask<SyncGroupResponse>(shard.Sync(r)),
            static error => new SyncGroupResponse { ErrorCode = error });
}
