using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// Kafka's partition operations on three real broker processes: a partition on brokers {1, 2} is
/// reassigned to {3, 2} with AlterPartitionReassignments (Confluent.Kafka 2.16 has no call for it,
/// so `fastlog cluster reassign` sends it, to a broker that forwards it when it is not the
/// controller); once ListPartitionReassignments (`fastlog cluster reassignments`) shows it done, broker 1 has deleted its copy and is killed, and every
/// acknowledged record is read back from the new replicas. Confluent.Kafka's ElectLeaders then
/// finds the preferred replica (3, the target's first) already leading.
/// </summary>
public sealed class ClusterReassignmentTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("fastlog-reassign-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_reassigned_partition_is_copied_to_its_new_replica_before_the_old_one_deletes_its_copy()
    {
        const string Topic = "moved";
        const int Records = 500;
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await WaitForAsync(() => admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count == 3, "three registered brokers");
        await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1, 2] } }]);
        await WaitForAsync(() => PartitionOf(admin, Topic) is { InSyncReplicas.Length: 2 }, "moved-0 in sync on brokers 1 and 2");

        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build())
        {
            var sends = Enumerable.Range(0, Records).Select(i => producer.ProduceAsync(Topic, new Message<Null, string> { Value = $"record-{i}" })).ToList();
            await Task.WhenAll(sends);
        }

        // `fastlog cluster reassign` sends AlterPartitionReassignments, here to broker 2, which forwards it unless it is the controller.
        var viaTwo = cluster[2].BootstrapServers;
        var clock = Stopwatch.StartNew();
        var started = await CliTopicCommandTests.RunAsync("cluster", "reassign", Topic, "0", "--replicas", "3,2", "--bootstrap", viaTwo);
        Assert.True(started.ExitCode == 0, started.Error);
        var unknown = await CliTopicCommandTests.RunAsync("cluster", "reassign", Topic, "1", "--replicas", "3", "--bootstrap", viaTwo);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("UNKNOWN_TOPIC_OR_PARTITION", unknown.Error, StringComparison.Ordinal);

        await WaitForAsync(async () => (await CliTopicCommandTests.RunAsync("cluster", "reassignments", "--bootstrap", viaTwo)).Output == $"No reassignment in progress.{Environment.NewLine}",
            "the reassignment completed");
        output.WriteLine($"reassignment completed in {clock.ElapsedMilliseconds} ms");
        // The controller answered; the broker the admin client asks may apply that image a moment later.
        await WaitForAsync(() => PartitionOf(admin, Topic) is { Replicas: [3, 2], Leader: 3 }, "Metadata naming replicas 3,2 led by 3");
        var brokerOneCopy = Path.Combine(_root, "broker-1", $"{Topic}-0");
        await WaitForAsync(() => !Directory.Exists(brokerOneCopy), "broker 1's copy deleted");

        // The preferred replica, the target's first, leads: a preferred election has nothing to do.
        var elections = await ElectAsync(admin, ElectionType.Preferred, [new TopicPartition(Topic, 0), new TopicPartition(Topic, 5)]);
        Assert.Equal([Confluent.Kafka.ErrorCode.ElectionNotNeeded, Confluent.Kafka.ErrorCode.UnknownTopicOrPart], elections.OrderBy(e => e.Partition.Value).Select(e => e.Error.Code));

        cluster.Kill(1);
        var read = TopicReader.ReadAll($"{cluster.BootstrapServers}", Topic, 1);
        Assert.Equal(Enumerable.Range(0, Records).Select(i => $"record-{i}"), read.OrderBy(r => r.Key.Offset).Select(r => r.Value));
    }

    /// <summary>
    /// `fastlog cluster add` gives a broker started into a running cluster its share of the
    /// replicas; `fastlog cluster remove` moves them all off it again, so it can be stopped with
    /// nothing lost: every record reads back with it killed.
    /// </summary>
    [Fact]
    public async Task A_broker_added_takes_its_share_and_one_removed_holds_nothing_and_can_go()
    {
        const string Topic = "spread";
        const int Records = 300;
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await WaitForAsync(() => admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count == 3, "three registered brokers");
        await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 6, ReplicationFactor = 2 }]);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build())
        {
            await Task.WhenAll(Enumerable.Range(0, Records).Select(i => producer.ProduceAsync(new TopicPartition(Topic, i % 6), new Message<Null, string> { Value = $"record-{i}" })));
        }

        var added = await cluster.AddBrokerAsync();
        await WaitForAsync(() => admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count == 4, $"broker {added} registered");
        var grown = await CliTopicCommandTests.RunAsync("cluster", "add", $"{added}", "--wait", "--bootstrap", cluster[1].BootstrapServers);
        Assert.True(grown.ExitCode == 0, grown.Error);
        output.WriteLine(grown.Output);
        // 12 replicas over 4 brokers (the offsets topic's too, when it has been created): broker 4 holds its share.
        await WaitForAsync(() => ReplicasOn(admin, added) >= 3, $"broker {added} holding its share");

        var shrunk = await CliTopicCommandTests.RunAsync("cluster", "remove", $"{added}", "--wait", "--bootstrap", cluster[1].BootstrapServers);
        Assert.True(shrunk.ExitCode == 0, shrunk.Error);
        Assert.Contains($"Broker {added} holds no replica", shrunk.Output, StringComparison.Ordinal);
        await WaitForAsync(() => ReplicasOn(admin, added) == 0, $"no replica on broker {added}");
        Assert.Equal(1, (await CliTopicCommandTests.RunAsync("cluster", "add", "9", "--bootstrap", cluster[1].BootstrapServers)).ExitCode);

        cluster.Kill(added);
        var read = TopicReader.ReadAll(cluster.BootstrapServers, Topic, 6);
        Assert.Equal(Enumerable.Range(0, Records).Select(i => $"record-{i}").Order(), read.Values.Order());
    }

    /// <summary>Replicas of every topic the admin client sees (the internal offsets topic included) on <paramref name="broker"/>.</summary>
    private static int ReplicasOn(IAdminClient admin, int broker) =>
        admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.Concat(admin.GetMetadata("__consumer_offsets", TimeSpan.FromSeconds(5)).Topics)
            .DistinctBy(t => t.Topic).Sum(t => t.Partitions.Count(p => p.Replicas.Contains(broker)));

    private static async Task<List<TopicPartitionError>> ElectAsync(IAdminClient admin, ElectionType type, IEnumerable<TopicPartition> partitions)
    {
        try
        {
            return (await admin.ElectLeadersAsync(type, partitions)).TopicPartitions;
        }
        catch (ElectLeadersException e)
        {
            return e.Results.TopicPartitions;
        }
    }

    private static PartitionMetadata? PartitionOf(IAdminClient admin, string topic) =>
        admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.SingleOrDefault(t => t.Topic == topic)?.Partitions.SingleOrDefault(p => p.PartitionId == 0);

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (KafkaException)
            {
                // A broker still starting, or an election under way: ask again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} not seen within {Patience}");
            await Task.Delay(100);
        }
    }
}
