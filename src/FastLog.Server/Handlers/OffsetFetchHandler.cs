using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// OffsetFetch: each group's committed offsets from its owner shard (v8+ asks for several groups,
/// possibly on different shards); partitions without a commit come back as offset -1.
/// </summary>
internal sealed class OffsetFetchHandler : ApiHandler<OffsetFetchRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, OffsetFetchRequest request)
    {
        var groups = context.ApiVersion >= 8
            ? request.Groups
            : [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = request.GroupId, Topics = request.Topics }];
        var fetched = await GroupRouting.OnCoordinatorsAsync(context, groups, static g => g.GroupId, static (shard, g) => ValueTask.FromResult(shard.Fetch(g.GroupId, g.Topics)),
            static (g, error) => new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = g.GroupId, ErrorCode = error });
        if (context.ApiVersion >= 8)
        {
            return new OffsetFetchResponse { Groups = [.. fetched] };
        }

        return new OffsetFetchResponse { Topics = fetched[0].Topics, ErrorCode = fetched[0].ErrorCode };
    }
}
