using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// FindCoordinator: this node coordinates every group (key type 0), at the address advertised for the client's listener;
/// v4+ asks for a batch of keys. FastLog has no transaction coordinator, so transactional ids
/// (key type 1) get COORDINATOR_NOT_AVAILABLE.
/// </summary>
internal sealed class FindCoordinatorHandler : ApiHandler<FindCoordinatorRequest>
{
    private const sbyte GroupKeyType = 0;
    private const sbyte TransactionKeyType = 1;

    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var node = BrokerIdentity.Endpoint(context);
        var error = request.KeyType switch
        {
            GroupKeyType => ErrorCode.None,
            TransactionKeyType => ErrorCode.CoordinatorNotAvailable,
            _ => ErrorCode.InvalidRequest,
        };
        var found = error == ErrorCode.None;
        var response = new FindCoordinatorResponse
        {
            ErrorCode = error,
            NodeId = found ? node.NodeId : -1,
            Host = found ? node.Host : "",
            Port = found ? node.Port : -1,
        };
        response.Coordinators.AddRange(request.CoordinatorKeys.Select(key => new FindCoordinatorResponse.Coordinator
        {
            Key = key,
            ErrorCode = error,
            NodeId = response.NodeId,
            Host = response.Host,
            Port = response.Port,
        }));
        return ValueTask.FromResult<KafkaMessage?>(response);
    }
}
