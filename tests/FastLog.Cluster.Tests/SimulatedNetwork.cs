using System.Net;

namespace FastLog.Cluster.Tests;

/// <summary>
/// An in-memory lossy network and a virtual clock for <see cref="GossipNode"/>s: one event queue
/// holds datagram deliveries (after 1-5 ms of latency, unless dropped at random, cut by a partition
/// or addressed to a stopped node) and node ticks at their deadlines. Everything is driven by one
/// seeded <see cref="Random"/>, so a run is exactly reproducible and a minute of protocol time
/// takes milliseconds. Single-threaded: the test thread runs it.
/// </summary>
internal sealed class SimulatedNetwork(int seed)
{
    private readonly PriorityQueue<Action, (long Time, long Order)> _events = new();
    private readonly Random _random = new(seed);
    private readonly Dictionary<IPEndPoint, SimulatedNode> _byEndPoint = [];
    private long _order;
    private HashSet<SimulatedNode>? _isolated;

    public long Now { get; private set; }

    /// <summary>Probability that any datagram is lost.</summary>
    public double DropRate { get; set; }

    public List<SimulatedNode> Nodes { get; } = [];

    /// <summary>Adds (does not start) a node at 10.0.&lt;cluster&gt;.&lt;id&gt;:7946; <paramref name="seeds"/> are gossip endpoints.</summary>
    public SimulatedNode Add(int nodeId, IReadOnlyList<IPEndPoint>? seeds = null, string clusterId = "sim", int port = 7946, string kafkaHost = "broker", TimeSpan? syncInterval = null)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse($"10.0.{clusterId.Length % 200}.{nodeId % 250}"), port);
        var options = new GossipOptions
        {
            ClusterId = clusterId,
            NodeId = nodeId,
            GossipEndPoint = endPoint,
            KafkaHost = $"{kafkaHost}-{nodeId}",
            KafkaPort = 9092,
            Rack = nodeId % 2 == 0 ? "rack-even" : null,
            Seeds = seeds ?? [],
            SyncInterval = syncInterval ?? TimeSpan.FromSeconds(30),
        };
        var node = new SimulatedNode(this, options, new Random(_random.Next()));
        Nodes.Add(node);
        _byEndPoint[endPoint] = node;
        return node;
    }

    public void Start(SimulatedNode node)
    {
        node.Running = true;
        node.Gossip.Start(Now);
        ScheduleTick(node);
    }

    /// <summary>A crash: the node stops ticking and every datagram to it is lost.</summary>
    public static void Kill(SimulatedNode node) => node.Running = false;

    /// <summary>Cuts every path between <paramref name="side"/> and the other nodes until <see cref="Heal"/>.</summary>
    public void Partition(params SimulatedNode[] side) => _isolated = [.. side];

    public void Heal() => _isolated = null;

    /// <summary>Runs until <paramref name="condition"/> holds (checked after every event) or <paramref name="limit"/> passes; returns whether it held.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        long end = Now + (long)limit.TotalMilliseconds;
        while (!condition())
        {
            if (!_events.TryPeek(out _, out var next) || next.Time > end)
            {
                Now = end;
                return false;
            }

            var action = _events.Dequeue();
            Now = next.Time;
            action();
        }

        return true;
    }

    public void RunFor(TimeSpan duration) => RunUntil(() => false, duration);

    internal void Send(SimulatedNode from, IPEndPoint destination, ReadOnlySpan<byte> datagram)
    {
        if (!_byEndPoint.TryGetValue(destination, out var to) || _random.NextDouble() < DropRate
            || (_isolated is { } side && side.Contains(from) != side.Contains(to)))
        {
            return;
        }

        var copy = datagram.ToArray();
        At(Now + _random.Next(1, 6), () =>
        {
            if (to.Running)
            {
                to.Gossip.Receive(copy, Now);
                ScheduleTick(to);
            }
        });
    }

    /// <summary>Queues a tick at the node's deadline unless one is already queued at or before it.</summary>
    private void ScheduleTick(SimulatedNode node)
    {
        long due = node.Gossip.NextDeadline;
        if (due >= node.TickQueuedAt)
        {
            return;
        }

        node.TickQueuedAt = due;
        At(due, () =>
        {
            if (node.TickQueuedAt != due || !node.Running)
            {
                return; // superseded by an earlier tick, or the node is down
            }

            node.TickQueuedAt = long.MaxValue;
            node.Gossip.Tick(Now);
            ScheduleTick(node);
        });
    }

    private void At(long time, Action action) => _events.Enqueue(action, (Math.Max(time, Now), _order++));
}
