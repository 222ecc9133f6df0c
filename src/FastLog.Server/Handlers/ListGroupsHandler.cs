using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>ListGroups: the groups of every shard, filtered by state (v4+).</summary>
internal sealed class ListGroupsHandler : ApiHandler<ListGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.ListGroups;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ListGroupsRequest request)
    {
        var perShard = await context.Broker.Groups.OnEveryShardAsync(request.StatesFilter, static (shard, states) => ValueTask.FromResult(shard.List(states)));
        return new ListGroupsResponse { Groups = [.. perShard.SelectMany(g => g)] };
    }
}
