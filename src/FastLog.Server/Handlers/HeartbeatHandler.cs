using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>Heartbeat, on the group's owner shard: keeps the member's session and tells it when to rejoin.</summary>
internal sealed class HeartbeatHandler : ApiHandler<HeartbeatRequest>
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, HeartbeatRequest request) =>
        new HeartbeatResponse
        {
            ErrorCode = await GroupRouting.OnCoordinatorAsync(context, request.GroupId, request, static (shard, r) => ValueTask.FromResult(shard.Heartbeat(r)), static error => error),
        };
}
