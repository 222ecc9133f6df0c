using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>DeleteGroups: each empty group and its offsets are deleted on its owner shard (NON_EMPTY_GROUP otherwise).</summary>
internal sealed class DeleteGroupsHandler : ApiHandler<DeleteGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DeleteGroupsRequest request)
    {
        var errors = await GroupRouting.OnCoordinatorsAsync(context, request.GroupsNames, static id => id, static (shard, id) => shard.DeleteAsync(id), static (_, error) => error);
        return new DeleteGroupsResponse
        {
            Results = request.GroupsNames.Zip(errors, (id, error) => new DeleteGroupsResponse.DeletableGroupResult { GroupId = id, ErrorCode = error }).ToList(),
        };
    }
}
