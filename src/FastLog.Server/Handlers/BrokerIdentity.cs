using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>How this node describes itself to clients (Metadata, DescribeCluster, FindCoordinator).</summary>
internal static class BrokerIdentity
{
    public static BrokerEndpoint Endpoint(BrokerServices broker) => new()
    {
        NodeId = broker.Options.NodeId,
        Host = broker.Advertised.Host,
        Port = broker.Advertised.Port,
    };
}
