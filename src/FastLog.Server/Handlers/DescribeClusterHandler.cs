using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// DescribeCluster: the cluster id, the brokers and the controller. With gossip on, every member
/// the cluster believes Alive, at the Kafka endpoint and rack it advertises (this node: the address
/// advertised for the client's listener), and the lowest alive node id as controller; on a single
/// node, this node alone. A node serves both endpoint types,
/// so v1's endpoint_type is echoed. (Membership only: Metadata still names this node as the leader
/// of every partition it holds.)
/// </summary>
internal sealed class DescribeClusterHandler : ApiHandler<DescribeClusterRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DescribeClusterRequest request)
    {
        var broker = context.Broker;
        var view = broker.Cluster?.View;
        return ValueTask.FromResult<KafkaMessage?>(new DescribeClusterResponse
        {
            EndpointType = request.EndpointType,
            ClusterId = broker.Options.ClusterId,
            ControllerId = view?.ControllerId ?? broker.Options.NodeId,
            Brokers = view is null
                ? [BrokerIdentity.Endpoint(context)]
                : view.Alive.Select(m => m.NodeId == broker.Options.NodeId
                    ? Self(context, m.Rack)
                    : new BrokerEndpoint { NodeId = m.NodeId, Host = m.KafkaHost, Port = m.KafkaPort, Rack = m.Rack }).ToList(),
        });
    }

    // Gossip carries one address per broker (its inter-broker listener's); this node knows which of its own the client came in through.
    private static BrokerEndpoint Self(RequestContext context, string? rack)
    {
        var self = BrokerIdentity.Endpoint(context);
        self.Rack = rack;
        return self;
    }
}
