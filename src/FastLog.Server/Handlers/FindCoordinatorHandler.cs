using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// FindCoordinator for groups (key type 0): on a single node this node coordinates every group; in
/// a cluster the leader of the group's __consumer_offsets partition does (COORDINATOR_NOT_AVAILABLE
/// while it has none). A broker is named at the address advertised for the client's listener when
/// it is this one, else at its registered address. v4+ asks for a batch of keys. FastLog has no
/// transaction coordinator, so transactional ids (key type 1) get COORDINATOR_NOT_AVAILABLE.
/// </summary>
internal sealed class FindCoordinatorHandler : ApiHandler<FindCoordinatorRequest>
{
    private const sbyte GroupKeyType = 0;
    private const sbyte TransactionKeyType = 1;

    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var keys = context.ApiVersion >= 4 ? request.CoordinatorKeys : [request.Key];
        var found = keys.Select(key => Find(context, request.KeyType, key)).ToList();
        var first = found[0];
        var response = new FindCoordinatorResponse
        {
            ErrorCode = first.ErrorCode,
            NodeId = first.NodeId,
            Host = first.Host,
            Port = first.Port,
        };
        if (context.ApiVersion >= 4)
        {
            response.Coordinators.AddRange(found);
        }

        return ValueTask.FromResult<KafkaMessage?>(response);
    }

    private static FindCoordinatorResponse.Coordinator Find(RequestContext context, sbyte keyType, string key)
    {
        var error = keyType switch
        {
            GroupKeyType => ErrorCode.None,
            TransactionKeyType => ErrorCode.CoordinatorNotAvailable,
            _ => ErrorCode.InvalidRequest,
        };
        var coordinatorId = error != ErrorCode.None ? -1 : context.Broker.Coordinator?.GroupCoordinatorOf(key) ?? context.Broker.Options.NodeId;
        var endpoint = coordinatorId < 0 ? null : ClusterBrokers.Brokers(context).FirstOrDefault(b => b.NodeId == coordinatorId);
        return endpoint is null
            ? new FindCoordinatorResponse.Coordinator { Key = key, ErrorCode = error == ErrorCode.None ? ErrorCode.CoordinatorNotAvailable : error, NodeId = -1, Host = "", Port = -1 }
            : new FindCoordinatorResponse.Coordinator { Key = key, ErrorCode = ErrorCode.None, NodeId = endpoint.NodeId, Host = endpoint.Host, Port = endpoint.Port };
    }
}
