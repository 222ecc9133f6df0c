using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// How this node describes itself to clients (Metadata, DescribeCluster, FindCoordinator): at the
/// address advertised for the listener the request came in through, as Kafka does, so a client
/// behind NAT or in a container is sent back to the address it can reach.
/// </summary>
internal static class BrokerIdentity
{
    public static BrokerEndpoint Endpoint(RequestContext context) => new()
    {
        NodeId = context.Broker.Options.NodeId,
        Host = context.Connection.Listener.Advertised.Host,
        Port = context.Connection.Listener.Advertised.Port,
    };
}
