using Confluent.Kafka;
using FastLog.Broker.Configuration;
using FastLog.Client;
using FastLog.Host.Configuration;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>
/// Several named listeners (Kafka's listeners, advertised.listeners, listener.security.protocol.map):
/// every one is bound on every shard, and a client is told the address advertised for the listener
/// it connected to, as Kafka does for NAT, containers and multi-homed hosts.
/// </summary>
public sealed class MultipleListenersTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EachListener_AdvertisesItsOwnAddress_InMetadataFindCoordinatorAndDescribeCluster()
    {
        await using var broker = await TestBroker.StartAsync(o => Configure(o, new()
        {
            ["listeners"] = "INTERNAL://127.0.0.1:0,external://127.0.0.1:0",
            ["advertised.listeners"] = "INTERNAL://internal.example:19092,EXTERNAL://203.0.113.7:29092",
            ["listener.security.protocol.map"] = "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
        }));

        Assert.NotEqual(broker.Server.ListenerEndPoint("INTERNAL").Port, broker.Server.ListenerEndPoint("EXTERNAL").Port);
        Assert.Equal(("internal.example", 19092), await AdvertisedThroughAsync(broker, "INTERNAL"));
        Assert.Equal(("203.0.113.7", 29092), await AdvertisedThroughAsync(broker, "EXTERNAL"));
    }

    [Fact]
    public async Task AListenerWithoutAnAdvertisedEntry_AdvertisesItsBoundPort()
    {
        await using var broker = await TestBroker.StartAsync(o => Configure(o, new()
        {
            ["listeners"] = "CLIENTS://127.0.0.1:0,REPLICATION://127.0.0.1:0",
            ["advertised.listeners"] = "REPLICATION://replication.example:9093",
            ["listener.security.protocol.map"] = "CLIENTS:PLAINTEXT,REPLICATION:plaintext",
            ["inter.broker.listener.name"] = "replication",
        }));

        Assert.Equal(("127.0.0.1", broker.Server.ListenerEndPoint("CLIENTS").Port), await AdvertisedThroughAsync(broker, "CLIENTS"));
        Assert.Equal(("replication.example", 9093), await AdvertisedThroughAsync(broker, "REPLICATION"));
    }

    [Fact]
    public async Task ARealClient_ProducesAndConsumes_ThroughEachListener()
    {
        // Each listener advertises 127.0.0.1 with its own bound port, so librdkafka follows Metadata back to it.
        await using var broker = await TestBroker.StartAsync(o => Configure(o, new()
        {
            ["listeners"] = "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0",
            ["listener.security.protocol.map"] = "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
        }));

        foreach (var listener in new[] { "INTERNAL", "EXTERNAL" })
        {
            var bootstrap = broker.Server.ListenerEndPoint(listener).ToString();
            var topic = $"through-{listener}".ToLowerInvariant();
            using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build())
            {
                for (var i = 0; i < 10; i++)
                {
                    await producer.ProduceAsync(topic, new Message<string, string> { Key = listener, Value = $"v{i}" });
                }
            }

            using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = $"readers-{listener}",
                EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
            }).Build();
            consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
            var values = new List<string>();
            ConsumeResult<string, string>? last = null;
            while (values.Count < 10 && consumer.Consume(Deadline) is { } record)
            {
                values.Add(record.Message.Value);
                last = record;
            }

            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"v{i}"), values);
            // The commit goes to the group coordinator, found through FindCoordinator on this listener.
            consumer.Commit([new TopicPartitionOffset(last!.TopicPartition, last.Offset + 1)]);
            Assert.Equal(10, consumer.Committed([new TopicPartition(topic, 0)], Deadline).Single().Offset.Value);
        }
    }

    [Fact]
    public async Task Gossip_CarriesTheInterBrokerListener_AndThisNodeDescribesItselfAtTheClientsListener()
    {
        await using var first = await TestBroker.StartAsync(o =>
        {
            Configure(o, new()
            {
                ["listeners"] = "CLIENTS://127.0.0.1:0,REPLICATION://127.0.0.1:0",
                ["advertised.listeners"] = "CLIENTS://clients.example:9092,REPLICATION://replication.example:9093",
                ["listener.security.protocol.map"] = "CLIENTS:PLAINTEXT,REPLICATION:PLAINTEXT",
                ["inter.broker.listener.name"] = "REPLICATION",
            });
            (o.NodeId, o.ClusterListen) = (1, new HostPort("127.0.0.1", 0));
        });
        var seed = first.Server.ClusterEndPoint!;
        await using var second = await TestBroker.StartAsync(o =>
            (o.NodeId, o.ClusterListen, o.ClusterSeeds) = (2, new HostPort("127.0.0.1", 0), [new HostPort("127.0.0.1", seed.Port)]));

        using (var client = await second.ConnectRawAsync())
        {
            var seenBySecond = await ClusterMembershipTests.WaitForBrokers(client, 2);
            Assert.Equal(("replication.example", 9093), seenBySecond.Brokers.Where(b => b.NodeId == 1).Select(b => (b.Host, b.Port)).Single());
        }

        using (var client = await ConnectAsync(first, "CLIENTS"))
        {
            var seenByFirst = await ClusterMembershipTests.WaitForBrokers(client, 2);
            Assert.Equal(("clients.example", 9092), seenByFirst.Brokers.Where(b => b.NodeId == 1).Select(b => (b.Host, b.Port)).Single());
        }
    }

    [Fact]
    public async Task ASecondListenersPortInUse_IsOneLineNamingThatListener()
    {
        await using var first = await TestBroker.StartAsync();
        var taken = first.Server.ListenEndPoint.Port;

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o => Configure(o, new()
        {
            ["listeners"] = $"PLAINTEXT://127.0.0.1:0,EXTERNAL://127.0.0.1:{taken}",
            ["listener.security.protocol.map"] = "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT",
        })));

        Assert.Equal($"listener EXTERNAL://127.0.0.1:{taken}: already in use (is another broker running?); set --listen / listeners to another HOST:PORT", error.Message);
    }

    private static void Configure(BrokerOptions options, Dictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            Assert.True(BrokerOptionsLoader.Apply(options, key, value), key);
        }
    }

    private static Task<KafkaClientConnection> ConnectAsync(TestBroker broker, string listener) =>
        KafkaClientConnection.ConnectAsync(broker.Server.ListenerEndPoint(listener), new KafkaClientOptions { ClientId = "listener-test" });

    /// <summary>The address this broker gives for itself in Metadata, FindCoordinator and DescribeCluster, asked through <paramref name="listener"/>.</summary>
    private static async Task<(string Host, int Port)> AdvertisedThroughAsync(TestBroker broker, string listener)
    {
        using var client = await ConnectAsync(broker, listener);
        var metadata = await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, version: 12);
        var oldMetadata = await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, version: 1);
        var coordinator = await client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { CoordinatorKeys = ["a-group"] }, version: 4);
        var cluster = await client.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest(), version: 0);

        var advertised = Assert.Single(metadata.Brokers);
        Assert.Equal((advertised.Host, advertised.Port), (Assert.Single(oldMetadata.Brokers).Host, oldMetadata.Brokers[0].Port));
        Assert.Equal((advertised.Host, advertised.Port), (Assert.Single(coordinator.Coordinators).Host, coordinator.Coordinators[0].Port));
        Assert.Equal((advertised.Host, advertised.Port), (Assert.Single(cluster.Brokers).Host, cluster.Brokers[0].Port));
        return (advertised.Host, advertised.Port);
    }
}
