using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FastLog.Broker.Tests;

/// <summary>Committed offsets across a restart, and the AdminClient's group operations.</summary>
[Collection(GroupClients.Collection)]
public sealed class GroupOffsetsTests
{
    [Fact]
    public async Task CommittedOffsets_SurviveACleanRestart()
    {
        const string topic = "restart";
        await using var broker = await GroupClients.StartBrokerAsync();
        await using var consumers = new GroupConsumers();
        await GroupClients.ProduceAsync(broker, topic, 60);
        var committed = new Dictionary<int, long>();
        var consumer = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "restart-group")).Build());
        consumer.Subscribe(topic);
        var seen = 0;
        // Commit every other record, with metadata, so the positions are not just the ends.
        Assert.True(GroupClients.PollUntil([consumer], () => seen == 40, (c, r) =>
        {
            if (++seen % 2 == 0)
            {
                c.Commit([new TopicPartitionOffset(r.TopicPartition, r.Offset + 1)]);
                committed[r.Partition.Value] = r.Offset.Value + 1;
            }
        }));
        await consumers.CloseAsync(consumer);

        await broker.RestartAsync();

        var resumed = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "restart-group")).Build());
        var positions = resumed.Committed(committed.Keys.Select(p => new Confluent.Kafka.TopicPartition(topic, p)), GroupClients.Deadline);
        Assert.Equal(committed.OrderBy(c => c.Key).Select(c => c.Value), positions.OrderBy(p => p.Partition.Value).Select(p => p.Offset.Value));

        // A member of the group after the restart continues from the committed offsets (more records
        // first, so that partitions consumed to their end have something to deliver).
        await GroupClients.ProduceAsync(broker, topic, 60, from: 60);
        resumed.Subscribe(topic);
        var first = new Dictionary<int, long>();
        Assert.True(GroupClients.PollUntil([resumed], () => first.Count == committed.Count, (_, r) => first.TryAdd(r.Partition.Value, r.Offset.Value)));
        Assert.Equal(committed.OrderBy(c => c.Key), first.Where(f => committed.ContainsKey(f.Key)).OrderBy(f => f.Key));
        await consumers.CloseAsync(resumed);
    }

    [Fact]
    public async Task AdminClient_ListsDescribesAndDeletesGroups()
    {
        const string topic = "admin";
        await using var broker = await GroupClients.StartBrokerAsync();
        await using var consumers = new GroupConsumers();
        await GroupClients.ProduceAsync(broker, topic, 30);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        // "idle": consumed, committed, closed (Empty). "busy": still a member (Stable).
        var idle = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "idle")).Build());
        idle.Subscribe(topic);
        var seen = 0;
        Assert.True(GroupClients.PollUntil([idle], () => seen == 30, (c, r) => { seen++; c.Commit(r); }));
        await consumers.CloseAsync(idle);

        var busy = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "busy")).Build());
        busy.Subscribe(topic);
        Assert.True(GroupClients.PollUntil([busy], () => busy.Assignment.Count == 6));

        var listed = await admin.ListConsumerGroupsAsync();
        Assert.Equal(ConsumerGroupState.Empty, listed.Valid.Single(g => g.GroupId == "idle").State);
        Assert.Equal(ConsumerGroupState.Stable, listed.Valid.Single(g => g.GroupId == "busy").State);
        var stableOnly = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Stable] });
        Assert.Equal(["busy"], stableOnly.Valid.Select(g => g.GroupId));

        var described = (await admin.DescribeConsumerGroupsAsync(["busy", "idle"])).ConsumerGroupDescriptions;
        var busyDescription = described.Single(d => d.GroupId == "busy");
        Assert.Equal("range", busyDescription.PartitionAssignor);
        Assert.Equal(6, busyDescription.Members.Single().Assignment.TopicPartitions.Count);
        Assert.Empty(described.Single(d => d.GroupId == "idle").Members);

        var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("idle", null)]);
        var idleOffsets = offsets.Single().Partitions;
        Assert.Equal(6, idleOffsets.Count);
        Assert.Equal(30, idleOffsets.Sum(p => p.Offset.Value));

        // Only an empty group can be deleted; its offsets go with it.
        var refused = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync(["busy", "idle"]));
        Assert.Equal(Confluent.Kafka.ErrorCode.NonEmptyGroup, refused.Results.Single(r => r.Group == "busy").Error.Code);
        Assert.False(refused.Results.Single(r => r.Group == "idle").Error.IsError);
        Assert.DoesNotContain((await admin.ListConsumerGroupsAsync()).Valid, g => g.GroupId == "idle");
        var afterDelete = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("idle", [new Confluent.Kafka.TopicPartition(topic, 0)])]);
        Assert.Equal(Offset.Unset, afterDelete.Single().Partitions.Single().Offset);

        // OffsetDelete refuses offsets of a topic the group still consumes.
        var inUse = await Assert.ThrowsAsync<DeleteConsumerGroupOffsetsException>(() =>
            admin.DeleteConsumerGroupOffsetsAsync("busy", [new Confluent.Kafka.TopicPartition(topic, 0)]));
        Assert.Equal(Confluent.Kafka.ErrorCode.GroupSubscribedToTopic, inUse.Result.Partitions.Single().Error.Code);
        await consumers.CloseAsync(busy);
    }
}
