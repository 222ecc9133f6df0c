using System.Net;

namespace FastLog.Cluster.Tests;

/// <summary>A <see cref="GossipNode"/> on a <see cref="SimulatedNetwork"/>, recording every membership change it raises with its virtual time.</summary>
internal sealed class SimulatedNode : IGossipTransport
{
    private readonly SimulatedNetwork _network;

    public SimulatedNode(SimulatedNetwork network, GossipOptions options, Random random)
    {
        _network = network;
        Options = options;
        Gossip = new GossipNode(options, this, random);
        Gossip.MemberChanged += change => Changes.Add((_network.Now, change));
    }

    public GossipOptions Options { get; }

    public GossipNode Gossip { get; }

    public int NodeId => Options.NodeId;

    public IPEndPoint EndPoint => Options.GossipEndPoint;

    public bool Running { get; set; }

    /// <summary>Deadline of the tick queued on the network (long.MaxValue: none).</summary>
    public long TickQueuedAt { get; set; } = long.MaxValue;

    public List<(long Time, MemberChange Change)> Changes { get; } = [];

    public MemberState? StateOf(int nodeId) => Gossip.View.Members.FirstOrDefault(m => m.NodeId == nodeId)?.State;

    /// <summary>True when this node sees exactly <paramref name="nodeIds"/> as Alive.</summary>
    public bool SeesAlive(IEnumerable<int> nodeIds) => Gossip.View.Alive.Select(m => m.NodeId).SequenceEqual(nodeIds.Order());

    /// <summary>The first time this node saw <paramref name="nodeId"/> enter <paramref name="state"/>; null if it never did.</summary>
    public long? FirstTimeSeen(int nodeId, MemberState state) =>
        Changes.Where(c => c.Change.Member.NodeId == nodeId && c.Change.Member.State == state).Select(c => (long?)c.Time).FirstOrDefault();

    public void Send(IPEndPoint destination, ReadOnlySpan<byte> datagram) => _network.Send(this, destination, datagram);
}
