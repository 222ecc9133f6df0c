using System.Diagnostics;
using System.Net;
using Confluent.Kafka;
using FastLog.Broker.Configuration;
using FastLog.Client;
using FastLog.Host.Configuration;
using FastLog.Protocol;
using FastLog.Testing;
using Xunit.Abstractions;
using ErrorCode = FastLog.Protocol.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>
/// Brokers beyond controller.quorum.voters observe the metadata log, on real broker processes:
/// with three voters and a fourth broker, every broker agrees on the image, a topic created through
/// the observer appears everywhere with one id, a replication-factor-4 topic is written (acks=all)
/// and read back including the partition the observer leads, the observer killed (-9) and restarted
/// catches up and rejoins every ISR, and after the controller is killed it follows the new one. And
/// a broker added to a running three-broker cluster is registered and takes a reassigned partition.
/// </summary>
public sealed class ClusterObserverTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _root = Directory.CreateTempSubdirectory("fastlog-observer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void QuorumVoters_AreAtMostFive_AndABrokerTheyDoNotListObserves()
    {
        var options = new BrokerOptions { NodeId = 7, ClusterListen = new HostPort("127.0.0.1", 0) };
        Assert.True(BrokerOptionsLoader.Apply(options, "controller.quorum.voters", "1@h1:9301,2@h2:9301,3@h3:9301"));
        options.Validate();
        Assert.True(options.IsQuorumObserver);

        Assert.True(BrokerOptionsLoader.Apply(options, "controller.quorum.voters", string.Join(",", Enumerable.Range(1, 6).Select(id => $"{id}@h{id}:9301"))));
        var refused = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("at most 5", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task An_observer_agrees_on_the_image_leads_replicas_rejoins_after_kill_9_and_follows_a_new_controller()
    {
        const int Observer = 4;
        const string Topic = "observed";
        using var cluster = await LocalCluster.StartAsync(_root, 4, voterCount: 3);
        foreach (var id in cluster.NodeIds)
        {
            await EventuallyAsync(async () => await MetadataOfAsync(cluster, id) is { Brokers.Count: 4 } m ? m : null, $"broker {id} listing four brokers");
        }

        // FastLog's own API: the observer refuses it (no voter), a voter sends its committed image.
        using (var toObserver = await ConnectAsync(cluster, Observer))
        {
            var refused = await toObserver.SendAsync<FetchMetadataImageResponse>(new FetchMetadataImageRequest { MaxWaitMs = 0 }, 0);
            Assert.Equal(ErrorCode.InconsistentVoterSet, refused.ErrorCode);
        }

        using (var toVoter = await ConnectAsync(cluster, 1))
        {
            var image = await toVoter.SendAsync<FetchMetadataImageResponse>(new FetchMetadataImageRequest { MaxWaitMs = 0 }, 0);
            Assert.Equal(ErrorCode.None, image.ErrorCode);
            Assert.True(image.ImageOffset > 0 && image.Image.Length > 0, $"image at {image.ImageOffset}, {image.Image.Length} bytes");
        }

        // Created through the observer (forwarded to the controller): every broker lists it with the same id.
        var topicId = await CreateTopicThroughAsync(cluster, Observer, Topic, partitions: 4, replicationFactor: 4);
        foreach (var id in cluster.NodeIds)
        {
            await EventuallyAsync(async () => (await MetadataOfAsync(cluster, id)).Topics.SingleOrDefault(t => t.Name == Topic) is { } t
                && t.TopicId == topicId && t.Partitions.Count == 4 && t.Partitions.All(p => p.LeaderId > 0 && p.IsrNodes.Count == 4) ? t : null, $"broker {id} listing {Topic} in sync");
        }

        var placed = (await MetadataOfAsync(cluster, Observer)).Topics.Single(t => t.Name == Topic).Partitions;
        Assert.All(placed, p => Assert.Contains(Observer, p.ReplicaNodes));
        Assert.Contains(placed, p => p.LeaderId == Observer);

        var written = await ProduceAsync(cluster.BootstrapServers, Topic, 4, "first", 400);
        Assert.Equal(written.Order(), ReadBack(cluster.BootstrapServers, Topic, 4));

        // kill -9 of the observer: fenced, its partitions led elsewhere; restarted, it catches up and rejoins every ISR.
        cluster.Kill(Observer);
        await EventuallyAsync(async () => await MetadataOfAsync(cluster, 1) is { Brokers.Count: 3 } m
            && m.Topics.Single(t => t.Name == Topic).Partitions.All(p => p.LeaderId is > 0 and not Observer) ? m : null, "the observer fenced and its partitions led by voters");
        written.AddRange(await ProduceAsync(cluster.BootstrapServers, Topic, 4, "while-down", 200));
        var restarted = Stopwatch.StartNew();
        await cluster.StartAsync(Observer);
        await EventuallyAsync(async () => await MetadataOfAsync(cluster, Observer) is { Brokers.Count: 4 } m
            && m.Topics.Single(t => t.Name == Topic).Partitions.All(p => p.IsrNodes.Contains(Observer)) ? m : null, "the restarted observer back in every ISR");
        output.WriteLine($"observer restarted and back in every ISR in {restarted.ElapsedMilliseconds} ms");
        Assert.Equal(written.Order(), ReadBack(cluster[Observer].BootstrapServers, Topic, 4));

        // kill -9 of the controller: the observer learns the new one from the voters and forwards to it.
        var controller = (await MetadataOfAsync(cluster, Observer)).ControllerId;
        Assert.InRange(controller, 1, 3);
        cluster.Kill(controller);
        var failover = Stopwatch.StartNew();
        var after = await EventuallyAsync(async () => await MetadataOfAsync(cluster, Observer) is { ControllerId: var c and >= 1 and <= 3, Brokers.Count: 3 } m && c != controller ? m : null,
            "the observer following a new controller");
        output.WriteLine($"controller {controller} killed; the observer names controller {after.ControllerId} after {failover.ElapsedMilliseconds} ms");
        var secondId = await CreateTopicThroughAsync(cluster, Observer, "after-failover", partitions: 2, replicationFactor: 3);
        var voter = cluster.NodeIds.First(id => id != Observer && cluster.IsRunning(id));
        await EventuallyAsync(async () => (await MetadataOfAsync(cluster, voter)).Topics.SingleOrDefault(t => t.Name == "after-failover" && t.TopicId == secondId), "the second topic on a voter");
    }

    [Fact]
    public async Task A_broker_added_to_a_running_cluster_is_registered_and_takes_a_reassigned_partition()
    {
        const string Topic = "grown";
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        await EventuallyAsync(async () => await MetadataOfAsync(cluster, 1) is { Brokers.Count: 3 } m ? m : null, "three registered brokers");
        await CreateTopicThroughAsync(cluster, 1, Topic, partitions: 1, replicationFactor: 2);
        await EventuallyAsync(async () => (await MetadataOfAsync(cluster, 1)).Topics.SingleOrDefault(t => t.Name == Topic && t.Partitions.Single().IsrNodes.Count == 2), $"{Topic} in sync");
        var written = await ProduceAsync(cluster.BootstrapServers, Topic, 1, "before", 300);

        var added = await cluster.AddBrokerAsync();
        Assert.Equal(4, added);
        foreach (var id in cluster.NodeIds)
        {
            await EventuallyAsync(async () => await MetadataOfAsync(cluster, id) is { Brokers.Count: 4 } m ? m : null, $"broker {id} listing the added broker");
        }

        // Asked of the new broker, which forwards it to the controller.
        var reassigned = await CliTopicCommandTests.RunAsync("cluster", "reassign", Topic, "0", "--replicas", $"{added},2", "--bootstrap", cluster[added].BootstrapServers);
        Assert.True(reassigned.ExitCode == 0, reassigned.Error);
        var moved = await EventuallyAsync(async () => (await MetadataOfAsync(cluster, added)).Topics.Single(t => t.Name == Topic).Partitions.Single() is { LeaderId: var leader, ReplicaNodes: [var first, 2] } p
            && leader == added && first == added ? p : null, $"{Topic}-0 on brokers {added},2 led by {added}");
        Assert.Equal([2, added], moved.IsrNodes.Order());

        // Read back from the new broker alone: it leads the partition and holds every record.
        Assert.Equal(written.Order(), ReadBack(cluster[added].BootstrapServers, Topic, 1));
    }

    private static async Task<KafkaClientConnection> ConnectAsync(LocalCluster cluster, int nodeId) =>
        await KafkaClientConnection.ConnectAsync(new IPEndPoint(IPAddress.Parse(cluster.Host(nodeId)), cluster[nodeId].Port), new KafkaClientOptions { ClientId = "observer-test" });

    /// <summary>Broker <paramref name="nodeId"/>'s own answer (Metadata v12: topic ids, every topic), not a client's merged view.</summary>
    private static async Task<MetadataResponse> MetadataOfAsync(LocalCluster cluster, int nodeId)
    {
        using var connection = await ConnectAsync(cluster, nodeId);
        return await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false }, 12);
    }

    /// <summary>CreateTopics sent to broker <paramref name="nodeId"/> itself (librdkafka's admin client would send it to the controller); the topic's id.</summary>
    private static async Task<Guid> CreateTopicThroughAsync(LocalCluster cluster, int nodeId, string topic, int partitions, short replicationFactor)
    {
        using var connection = await ConnectAsync(cluster, nodeId);
        var request = new CreateTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor });
        var created = (await connection.SendAsync<CreateTopicsResponse>(request, 7)).Topics.Single();
        Assert.True(created.ErrorCode == ErrorCode.None, $"{topic}: {created.ErrorCode} {created.ErrorMessage}");
        return created.TopicId;
    }

    /// <summary>Writes <paramref name="count"/> records spread over the partitions with acks=all; what was acknowledged, where.</summary>
    private static async Task<List<(int Partition, long Offset, string Value)>> ProduceAsync(string bootstrap, string topic, int partitions, string prefix, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5, MessageTimeoutMs = 60_000 }).Build();
        var sends = Enumerable.Range(0, count).Select(i => producer.ProduceAsync(new Confluent.Kafka.TopicPartition(topic, i % partitions), new Message<Null, string> { Value = $"{prefix}-{i}" })).ToList();
        var reports = await Task.WhenAll(sends);
        return reports.Select(r => (r.Partition.Value, r.Offset.Value, r.Message.Value)).ToList();
    }

    /// <summary>Every record of the topic, read back, in (partition, offset) order.</summary>
    private static List<(int Partition, long Offset, string Value)> ReadBack(string bootstrap, string topic, int partitions) =>
        TopicReader.ReadAll(bootstrap, topic, partitions).Select(r => (r.Key.Partition, r.Key.Offset, r.Value)).Order().ToList();

    private static Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class => Eventually.ProbeAsync(probe, what, Patience);
}
