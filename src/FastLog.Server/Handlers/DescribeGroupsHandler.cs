using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>DescribeGroups: each group's state, protocol and members from its owner shard; unknown groups are "Dead".</summary>
internal sealed class DescribeGroupsHandler : ApiHandler<DescribeGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DescribeGroupsRequest request)
    {
        var described = await GroupRouting.OnCoordinatorsAsync(context, request.Groups, static id => id, static (shard, id) => ValueTask.FromResult(shard.Describe(id)),
            static (id, error) => new DescribeGroupsResponse.DescribedGroup { GroupId = id, ErrorCode = error });
        return new DescribeGroupsResponse { Groups = [.. described] };
    }
}
