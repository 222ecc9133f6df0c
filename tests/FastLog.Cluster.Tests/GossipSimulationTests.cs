namespace FastLog.Cluster.Tests;

/// <summary>
/// The SWIM state machine over <see cref="SimulatedNetwork"/>: deterministic (seeded), on a virtual
/// clock. Bounds below are in protocol time (defaults: 1 s period, 500 ms ping timeout, suspicion
/// 4 s once confirmed, 24 s unconfirmed): they state protocol properties, not machine speed.
/// </summary>
public sealed class GossipSimulationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void EightNodes_JoiningThroughOneSeed_Converge()
    {
        var network = new SimulatedNetwork(seed: 1);
        var (nodes, ids) = StartCluster(network, 8);

        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));
        // A newcomer learns everyone from the seed's state at once; the others hear of it by gossip within a few periods.
        Assert.InRange(network.Now, 0, 10_000);
        Assert.All(nodes, n => Assert.Equal(1, n.Gossip.View.ControllerId));
        var member = nodes[0].Gossip.View.Members.Single(m => m.NodeId == 4);
        Assert.Equal(("broker-4", 9092, "rack-even"), (member.KafkaHost, member.KafkaPort, member.Rack));
    }

    [Fact]
    public void KilledNode_IsSuspectedThenDeclaredDead_ByEveryone()
    {
        var network = new SimulatedNetwork(seed: 2);
        var (nodes, ids) = StartCluster(network, 6);
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));

        long killedAt = network.Now;
        SimulatedNetwork.Kill(nodes[5]);
        var survivors = nodes.Take(5).ToList();

        Assert.True(network.RunUntil(() => survivors.All(n => n.StateOf(6) == MemberState.Dead), Limit));
        // Bound: every survivor probes node 6 within two passes of its shuffled list (2 × 5 periods);
        // their failed probes confirm the first suspicion, which brings its timeout from 24 s down to
        // the 4 s minimum; then a few periods of gossip.
        Assert.InRange(network.Now - killedAt, 0, 20_000);
        var firstSuspected = survivors.Min(n => n.FirstTimeSeen(6, MemberState.Suspect) ?? long.MaxValue);
        var firstDead = survivors.Min(n => n.FirstTimeSeen(6, MemberState.Dead)!.Value);
        Assert.True(firstSuspected < firstDead, "a member is suspected before it is declared dead");
        Assert.All(survivors, n => Assert.True(n.SeesAlive([1, 2, 3, 4, 5])));
    }

    [Fact]
    public void UnderTwentyPercentLoss_SuspectedNodesRefute_AndNobodyIsDeclaredDead()
    {
        var network = new SimulatedNetwork(seed: 3);
        var (nodes, ids) = StartCluster(network, 8);
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));

        network.DropRate = 0.2;
        network.RunFor(TimeSpan.FromMinutes(3));
        network.DropRate = 0;
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));

        // The loss did cause suspicions, and they were refuted by incarnation bumps...
        Assert.Contains(nodes, n => n.Changes.Any(c => c.Change.Member.State == MemberState.Suspect));
        Assert.True(nodes.Sum(n => n.Gossip.Counters.Refutations) > 0);
        Assert.Contains(nodes, n => n.Gossip.Self.Incarnation > 0);
        // ...before any suspicion timeout expired.
        Assert.DoesNotContain(nodes, n => n.Changes.Any(c => c.Change.Member.State == MemberState.Dead));
    }

    [Fact]
    public void GracefulLeave_IsSeenByEveryoneWithinAPeriod_WithoutSuspicion()
    {
        var network = new SimulatedNetwork(seed: 4);
        var (nodes, ids) = StartCluster(network, 6);
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));

        long leftAt = network.Now;
        nodes[2].Gossip.Leave(network.Now);
        var others = nodes.Where(n => n.NodeId != 3).ToList();

        Assert.True(network.RunUntil(() => others.All(n => n.StateOf(3) == MemberState.Left), Limit));
        Assert.InRange(network.Now - leftAt, 0, 1_000);
        Assert.DoesNotContain(others, n => n.FirstTimeSeen(3, MemberState.Suspect) is not null);
        Assert.All(others, n => Assert.True(n.SeesAlive([1, 2, 4, 5, 6])));
    }

    [Fact]
    public void PartitionedNode_IsDeclaredDead_ThenRejoinsWhenThePartitionHeals()
    {
        var network = new SimulatedNetwork(seed: 5);
        var (nodes, ids) = StartCluster(network, 6);
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));

        var cutOff = nodes[5];
        network.Partition(cutOff);
        var majority = nodes.Take(5).ToList();
        Assert.True(network.RunUntil(() => majority.All(n => n.StateOf(6) == MemberState.Dead) && cutOff.SeesAlive([6]), Limit));

        long healedAt = network.Now;
        network.Heal();
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));
        // Whoever the isolated node talks to tells it the verdict about it (and vice versa): both sides refute.
        Assert.InRange(network.Now - healedAt, 0, 15_000);
        Assert.True(cutOff.Gossip.Self.Incarnation > 0);
    }

    [Fact]
    public void PartitionHeals_ThroughThePeriodicSyncWithADeadMember_WhenNoSeedIsReachable()
    {
        var network = new SimulatedNetwork(seed: 6);
        // Node 1 is everyone's seed, and it is the one cut off: only the dead-member sync can heal this.
        var (nodes, ids) = StartCluster(network, 5);
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));

        network.Partition(nodes[0]);
        Assert.True(network.RunUntil(() => nodes.Skip(1).All(n => n.StateOf(1) == MemberState.Dead), Limit));
        network.Heal();

        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));
    }

    [Fact]
    public void RestartedNode_WithANewAddress_RefutesItsOwnDeath_AndIsSeenAtTheNewAddress()
    {
        var network = new SimulatedNetwork(seed: 7);
        var (nodes, ids) = StartCluster(network, 4);
        Assert.True(network.RunUntil(() => nodes.All(n => n.SeesAlive(ids)), Limit));
        SimulatedNetwork.Kill(nodes[3]);
        Assert.True(network.RunUntil(() => nodes.Take(3).All(n => n.StateOf(4) == MemberState.Dead), Limit));

        var restarted = network.Add(4, [nodes[0].EndPoint], port: 7947);
        network.Start(restarted);
        var all = nodes.Take(3).Append(restarted).ToList();

        Assert.True(network.RunUntil(() => all.All(n => n.SeesAlive(ids)), Limit));
        Assert.All(all, n => Assert.Equal(7947, n.Gossip.View.Members.Single(m => m.NodeId == 4).GossipEndPoint.Port));
        Assert.True(restarted.Gossip.Self.Incarnation > 0);
    }

    [Fact]
    public void NewcomerLearnsAStateLargerThanOneDatagram_FromTheSeed()
    {
        var network = new SimulatedNetwork(seed: 8);
        // 40 members with 60-byte host names: about 3.5 KB of state, so the seed's answer spans several datagrams.
        var hostPrefix = new string('h', 55);
        var seed = network.Add(1, kafkaHost: hostPrefix);
        network.Start(seed);
        for (int id = 2; id <= 40; id++)
        {
            network.Start(network.Add(id, [seed.EndPoint], kafkaHost: hostPrefix));
        }

        Assert.True(network.RunUntil(() => seed.Gossip.View.Alive.Count == 40, Limit));
        var newcomer = network.Add(41, [seed.EndPoint], kafkaHost: hostPrefix);
        network.Start(newcomer);

        // One round trip (1-5 ms each way here): nobody but the seed knows the newcomer yet.
        Assert.True(network.RunUntil(() => newcomer.Gossip.View.Alive.Count == 41, TimeSpan.FromMilliseconds(20)));
        Assert.True(newcomer.Gossip.Counters.Received >= 3, "the state came in several datagrams");
    }

    [Fact]
    public void TwoClusterIds_OnOneNetwork_NeverMerge()
    {
        var network = new SimulatedNetwork(seed: 9);
        var orders = network.Add(1, clusterId: "orders");
        var ordersNodes = new[] { orders, network.Add(2, [orders.EndPoint], clusterId: "orders"), network.Add(3, [orders.EndPoint], clusterId: "orders") };
        // Cluster "billing" is misconfigured: its nodes also list a node of "orders" as a seed.
        var billing = network.Add(11, [orders.EndPoint], clusterId: "billing");
        var billingNodes = new[]
        {
            billing,
            network.Add(12, [billing.EndPoint, orders.EndPoint], clusterId: "billing"),
            network.Add(13, [billing.EndPoint, orders.EndPoint], clusterId: "billing"),
        };
        foreach (var node in network.Nodes)
        {
            network.Start(node);
        }

        network.RunFor(TimeSpan.FromSeconds(30));

        Assert.All(ordersNodes, n => Assert.True(n.SeesAlive([1, 2, 3])));
        Assert.All(billingNodes, n => Assert.True(n.SeesAlive([11, 12, 13])));
        Assert.True(orders.Gossip.Counters.DroppedForeignCluster > 0);
    }

    /// <summary>Node 1 is started first and is every other node's only seed; nodes start 100 ms apart.</summary>
    private static (List<SimulatedNode> Nodes, int[] Ids) StartCluster(SimulatedNetwork network, int count)
    {
        var seed = network.Add(1);
        network.Start(seed);
        var nodes = new List<SimulatedNode> { seed };
        for (int id = 2; id <= count; id++)
        {
            network.RunFor(TimeSpan.FromMilliseconds(100));
            var node = network.Add(id, [seed.EndPoint]);
            network.Start(node);
            nodes.Add(node);
        }

        return (nodes, Enumerable.Range(1, count).ToArray());
    }
}
