using Confluent.Kafka;

namespace FastLog.Broker.Tests;

/// <summary>Client-side assignors through the coordinator: cooperative-sticky, static membership, fan-out to several groups.</summary>
[Collection(GroupClients.Collection)]
public sealed class GroupAssignmentTests
{
    [Fact]
    public async Task CooperativeSticky_NewMemberTakesOnlyWhatMoves()
    {
        const string topic = "coop";
        await using var broker = await GroupClients.StartBrokerAsync();
        await using var consumers = new GroupConsumers();
        await GroupClients.ProduceAsync(broker, topic, 60);
        var revoked = new List<int>();
        var log = new GroupClients.ProcessedLog();
        IConsumer<string, string> Start() => consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "coop-group", PartitionAssignmentStrategy.CooperativeSticky))
            .SetPartitionsRevokedHandler((_, partitions) => revoked.AddRange(partitions.Select(p => p.Partition.Value)))
            .Build());
        var a = Start();
        var b = Start();
        a.Subscribe(topic);
        b.Subscribe(topic);
        Assert.True(GroupClients.PollUntil([a, b], () => log.DistinctCount == 60 && a.Assignment.Count == 3 && b.Assignment.Count == 3, log.Process));
        var before = a.Assignment.Concat(b.Assignment).ToList();

        // The new records go in first: once c subscribes, a and b must keep polling through the rebalance.
        await GroupClients.ProduceAsync(broker, topic, 60, from: 60);
        var c = Start();
        c.Subscribe(topic);
        Assert.True(GroupClients.PollUntil([a, b, c], () => log.DistinctCount == 120 && a.Assignment.Count == 2 && b.Assignment.Count == 2 && c.Assignment.Count == 2, log.Process));

        // Incremental: only the two partitions that moved to c were revoked, none of the kept ones.
        Assert.Equal(c.Assignment.Select(p => p.Partition.Value).Order(), revoked.Order());
        Assert.Equal(4, a.Assignment.Concat(b.Assignment).Intersect(before).Count());
        log.AssertNothingReprocessedPastACommit();
        await consumers.CloseAsync(a, b, c);
    }

    [Fact]
    public async Task StaticMember_RestartsWithoutARebalance()
    {
        const string topic = "static";
        await using var broker = await GroupClients.StartBrokerAsync();
        await using var consumers = new GroupConsumers();
        await GroupClients.ProduceAsync(broker, topic, 30);
        var bAssignments = 0;
        var b = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "static-group", instanceId: "instance-b"))
            .SetPartitionsAssignedHandler((_, _) => bAssignments++)
            .Build());
        b.Subscribe(topic);
        var a = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "static-group", instanceId: "instance-a")).Build());
        a.Subscribe(topic);
        Assert.True(GroupClients.PollUntil([a, b], () => a.Assignment.Count == 3 && b.Assignment.Count == 3));
        var aPartitions = a.Assignment.ToList();
        var bRebalancesBefore = bAssignments;

        // A static member does not leave on close; its restart within the session timeout takes its place back.
        await consumers.CloseAsync(a);
        var restarted = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "static-group", instanceId: "instance-a")).Build());
        restarted.Subscribe(topic);
        Assert.True(GroupClients.PollUntil([restarted, b], () => restarted.Assignment.Count == 3));

        Assert.Equal(aPartitions.Order(), restarted.Assignment.Order());
        Assert.Equal(bRebalancesBefore, bAssignments);
        Assert.Equal(3, b.Assignment.Count);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var described = (await admin.DescribeConsumerGroupsAsync(["static-group"])).ConsumerGroupDescriptions.Single();
        Assert.Equal(ConsumerGroupState.Stable, described.State);
        Assert.Equal(2, described.Members.Count);
        await consumers.CloseAsync(restarted, b);
    }

    [Fact]
    public async Task TwoGroupsOnOneTopic_EachGetsEverything()
    {
        const string topic = "fanout";
        await using var broker = await GroupClients.StartBrokerAsync();
        await using var consumers = new GroupConsumers();
        await GroupClients.ProduceAsync(broker, topic, 90);
        var first = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "fanout-1")).Build());
        var second = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "fanout-2", PartitionAssignmentStrategy.RoundRobin)).Build());
        first.Subscribe(topic);
        second.Subscribe(topic);
        var values = new Dictionary<IConsumer<string, string>, HashSet<string>> { [first] = [], [second] = [] };
        Assert.True(GroupClients.PollUntil([first, second], () => values.Values.All(v => v.Count == 90), (c, r) => values[c].Add(r.Message.Value)));
        Assert.Equal(values[first], values[second]);
        await consumers.CloseAsync(first, second);
    }
}
