using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>LeaveGroup (v3+: a batch of members), on the group's owner shard.</summary>
internal sealed class LeaveGroupHandler : ApiHandler<LeaveGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, LeaveGroupRequest request) =>
        await GroupRouting.OnCoordinatorAsync(context, request.GroupId, (request, context.ApiVersion), static (shard, s) => ValueTask.FromResult(shard.Leave(s.request, s.ApiVersion)),
            static error => new LeaveGroupResponse { ErrorCode = error });
}
