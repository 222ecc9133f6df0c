using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// The brokers and controller a client is told about (Metadata, DescribeCluster). With the
/// metadata quorum: every unfenced broker of the committed image and the Raft leader as controller.
/// With gossip alone: the members gossip believes Alive and its lowest id. On a single node: this
/// node. Other brokers are listed at the address they registered (their inter-broker listener's);
/// this node at the address advertised for the listener the client came in through.
/// </summary>
internal static class ClusterBrokers
{
    public static List<BrokerEndpoint> Brokers(RequestContext context)
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

        if (broker.Cluster?.View is { } view)
        {
            return view.Alive.Select(m => m.NodeId == self
                ? Self(context, m.Rack)
                : new BrokerEndpoint { NodeId = m.NodeId, Host = m.KafkaHost, Port = m.KafkaPort, Rack = m.Rack }).ToList();
        }

        return [Self(context, broker.Options.Rack)];
    }

    public static int ControllerId(RequestContext context) =>
        context.Broker.Coordinator?.ControllerId ?? context.Broker.Cluster?.View.ControllerId ?? context.Broker.Options.NodeId;

    private static BrokerEndpoint Self(RequestContext context, string? rack)
    {
        var self = BrokerIdentity.Endpoint(context);
        self.Rack = rack;
        return self;
    }
}
