using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>JoinGroup, on the group's owner shard; the response waits there until the rebalance gets far enough.</summary>
internal sealed class JoinGroupHandler : ApiHandler<JoinGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.JoinGroup;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, JoinGroupRequest request) =>
        await GroupRouting.OnCoordinatorAsync(
            context,
            request.GroupId,
            (request, ClientId: GroupClient.ClientId(context), ClientHost: GroupClient.ClientHost(context), context.ApiVersion),
            static (shard, s) => new ValueTask<JoinGroupResponse>(shard.Join(s.request, s.ClientId, s.ClientHost, s.ApiVersion)),
            error => new JoinGroupResponse { ErrorCode = error, MemberId = request.MemberId });
}
