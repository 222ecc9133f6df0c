using System.Collections.Concurrent;
using System.Net;
using FastLog.Core;

namespace FastLog.Cluster.Tests;

/// <summary>
/// Three real nodes in this process, each on its own one-shard <see cref="ShardGroup"/>, gossiping
/// over UDP on 127.0.0.1 through io_uring. A 100 ms protocol period keeps the test short; the
/// protocol itself is covered on the simulated network.
/// </summary>
public sealed class UdpMembershipTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThreeNodes_Converge_DetectACrashedNode_AndSeeAGracefulLeave()
    {
        var groups = new List<ShardGroup>();
        var nodes = new List<ClusterMembership>();
        var changes = new ConcurrentQueue<(int Observer, MemberChange Change)>();
        try
        {
            for (int id = 1; id <= 3; id++)
            {
                var group = new ShardGroup(new ShardGroupOptions { ShardCount = 1, PinThreads = false, PreallocatedBuffers = 0 });
                group.Start();
                groups.Add(group);
                var seeds = nodes.Count == 0 ? Array.Empty<IPEndPoint>() : [nodes[0].GossipEndPoint];
                var node = new ClusterMembership(group, Options(id, seeds));
                int observer = id;
                node.MemberChanged += change => changes.Enqueue((observer, change));
                await node.StartAsync();
                nodes.Add(node);
            }

            await WaitUntil(() => nodes.All(n => n.View.Alive.Count == 3));
            Assert.All(nodes, n => Assert.Equal(1, n.View.ControllerId));
            Assert.Equal(("127.0.0.1", 9003), (nodes[0].View.Alive[2].KafkaHost, nodes[0].View.Alive[2].KafkaPort));

            await nodes[2].StopAsync(leave: false); // a crash, as far as the others can tell
            await WaitUntil(() => nodes.Take(2).All(n => n.View.Members.Single(m => m.NodeId == 3).State == MemberState.Dead));
            foreach (int observer in new[] { 1, 2 })
            {
                var seen = changes.Where(c => c.Observer == observer && c.Change.Member.NodeId == 3).Select(c => c.Change.Member.State).ToList();
                Assert.InRange(seen.IndexOf(MemberState.Suspect), 1, seen.IndexOf(MemberState.Dead) - 1); // joined, suspected, then dead
            }

            await nodes[1].StopAsync(leave: true);
            await WaitUntil(() => nodes[0].View.Members.Single(m => m.NodeId == 2).State == MemberState.Left);
            Assert.Equal([1], nodes[0].View.Alive.Select(m => m.NodeId));
            Assert.All(nodes, n => Assert.Equal((0, 0), (n.Counters.DroppedMalformed, n.Counters.SendFailures)));
            Assert.True(nodes[0].Counters.Received > 0 && nodes[0].Counters.Sent > 0);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.StopAsync(leave: false); // no-op for those already stopped
            }

            foreach (var group in groups)
            {
                group.Dispose();
            }
        }
    }

    private static GossipOptions Options(int nodeId, IReadOnlyList<IPEndPoint> seeds) => new()
    {
        ClusterId = "udp-test",
        NodeId = nodeId,
        GossipEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        KafkaHost = "127.0.0.1",
        KafkaPort = 9000 + nodeId,
        Seeds = seeds,
        ProtocolPeriod = TimeSpan.FromMilliseconds(100),
        PingTimeout = TimeSpan.FromMilliseconds(50),
    };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the cluster did not get there in time (a lost datagram does not explain 30 s)");
            await Task.Delay(20);
        }
    }
}
