using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// The brokers and controller a client is told about (Metadata, DescribeCluster). With the
/// metadata quorum: every unfenced broker of the committed image and the Raft leader as controller.
/// With gossip alone, DescribeCluster lists the members gossip believes Alive and its lowest id,
/// while Metadata names this node alone (it leads everything it serves; gossip agrees on nothing
/// else). On a single node: this node. Other brokers are listed at the address they registered (their inter-broker listener's);
/// this node at the address advertised for the listener the client came in through.
/// </summary>
internal static class ClusterBrokers
{
    public static List<BrokerEndpoint> Brokers(RequestContext context, bool gossipMembers = false)
    {
        var broker = context.Broker;
        var self = broker.Options.NodeId;
        if (broker.Coordinator is { } coordinator)
        {
            return coordinator.Image.LiveBrokers.Select(b => b.BrokerId == self
                ? Self(context, b.Rack)
                : new BrokerEndpoint { NodeId = b.BrokerId, Host = b.KafkaHost, Port = b.KafkaPort, Rack = b.Rack }).ToList() is { Count: > 0 } live
                ? live
                : [Self(context, broker.Options.Rack)]; // before this broker's registration is committed
        }

        if (gossipMembers && broker.Cluster?.View is { } view)
        {
            return view.Alive.Select(m => m.NodeId == self
                ? Self(context, m.Rack)
                : new BrokerEndpoint { NodeId = m.NodeId, Host = m.KafkaHost, Port = m.KafkaPort, Rack = m.Rack }).ToList();
        }

        return [Self(context, broker.Options.Rack)];
    }

    /// <summary>
    /// The controller named to clients: the Raft leader; during an election this broker (as KRaft
    /// brokers name a live broker), since any broker forwards controller requests. Gossip alone:
    /// its lowest alive id; a single node: this node.
    /// </summary>
    public static int ControllerId(RequestContext context, bool gossipMembers = false) =>
        context.Broker.Coordinator is { } cluster
            // A controller the client is not told about (not registered in this broker's image yet) would leave it waiting for that broker.
            ? cluster.ControllerId >= 0 && cluster.Image.IsLive(cluster.ControllerId) ? cluster.ControllerId : context.Broker.Options.NodeId
            : gossipMembers ? context.Broker.Cluster?.View.ControllerId ?? context.Broker.Options.NodeId : context.Broker.Options.NodeId;

    private static BrokerEndpoint Self(RequestContext context, string? rack)
    {
        var self = BrokerIdentity.Endpoint(context);
        self.Rack = rack;
        return self;
    }
}
