using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Broker.Configuration;

namespace FastLog.Broker.Tests;

/// <summary>
/// Three brokers in one process with gossip and the metadata quorum (127.0.0.1, ephemeral ports
/// for Kafka, gossip and Raft), driven by Confluent.Kafka: they agree on the image, a topic created
/// through any broker appears on all with one id and leaders on different brokers, a producer that
/// knows one broker writes to every leader, and the controller's loss elects another.
/// </summary>
public sealed class ClusterQuorumTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly List<TestBroker> _brokers = [];

    public async Task InitializeAsync()
    {
        var voters = Enumerable.Range(1, 3).ToDictionary(id => id, _ => new HostPort("127.0.0.1", FreeTcpPort()));
        IPEndPoint? seed = null;
        for (var id = 1; id <= 3; id++)
        {
            var nodeId = id;
            var broker = await TestBroker.StartAsync(o =>
            {
                o.NodeId = nodeId;
                o.ClusterListen = new HostPort("127.0.0.1", 0);
                o.ClusterSeeds = seed is null ? [] : [new HostPort("127.0.0.1", seed.Port)];
                o.QuorumVoters = voters;
                o.ShardCount = 1;
                o.MetricsListen = nodeId == 1 ? new HostPort("127.0.0.1", 0) : null;
            });
            seed ??= broker.Server.ClusterEndPoint;
            _brokers.Add(broker);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var broker in _brokers)
        {
            await broker.DisposeAsync();
        }
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<Confluent.Kafka.Metadata> WaitForMetadataAsync(TestBroker broker, Func<Confluent.Kafka.Metadata, bool> condition, string what)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            if (condition(metadata))
            {
                return metadata;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{broker.BootstrapServers}: {what} not seen within {Patience}; brokers {string.Join(",", metadata.Brokers.Select(b => b.BrokerId))}, controller {metadata.OriginatingBrokerId}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Brokers_agree_on_topics_and_leaders_and_survive_the_controller()
    {
        foreach (var broker in _brokers)
        {
            await WaitForMetadataAsync(broker, m => m.Brokers.Count == 3, "three registered brokers");
        }

        // Created through broker 2 (forwarded when it is not the controller), RF 3, six partitions.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _brokers[1].BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 6, ReplicationFactor = 3 }]);
        }

        var views = new List<TopicMetadata>();
        foreach (var broker in _brokers)
        {
            var metadata = await WaitForMetadataAsync(broker, m => m.Topics.Any(t => t.Topic == "orders" && t.Partitions.Count == 6), "topic orders");
            views.Add(metadata.Topics.Single(t => t.Topic == "orders"));
        }

        // Every broker tells the same leaders and replicas; leadership is spread over the three brokers.
        var leaders = views[0].Partitions.OrderBy(p => p.PartitionId).Select(p => (p.PartitionId, p.Leader, string.Join(",", p.Replicas))).ToList();
        Assert.All(views, v => Assert.Equal(leaders, v.Partitions.OrderBy(p => p.PartitionId).Select(p => (p.PartitionId, p.Leader, string.Join(",", p.Replicas)))));
        Assert.Equal(3, leaders.Select(l => l.Leader).Distinct().Count());
        Assert.All(views[0].Partitions, p => Assert.Equal(3, p.Replicas.Length));
        Assert.All(views[0].Partitions, p => Assert.Equal(p.Replicas, p.InSyncReplicas)); // followers replicate (an idle partition stays in sync), in replica order

        // The operator's view: `fastlog cluster describe` through any broker, and broker 1's /metrics.
        var (exitCode, described, _) = await CliTopicCommandTests.RunAsync("cluster", "describe", "--bootstrap", _brokers[1].BootstrapServers);
        Assert.Equal(0, exitCode);
        Assert.Matches(@"Controller: [123]\b", described);
        Assert.Equal(3, described.Split('\n').Count(line => line.Contains("\track: ", StringComparison.Ordinal)));
        Assert.All(leaders, l => Assert.Contains($"orders-{l.PartitionId}\tLeader: {l.Leader}\tEpoch: 0\tReplicas: {l.Item3}\tIsr: {l.Item3}", described, StringComparison.Ordinal));
        using (var http = new HttpClient())
        {
            var metrics = await http.GetStringAsync(new Uri($"http://{_brokers[0].Server.MetricsEndPoint}/metrics"));
            Assert.Contains("fastlog_metadata_brokers{state=\"unfenced\"} 3", metrics, StringComparison.Ordinal);
            Assert.Matches(@"fastlog_metadata_controller [01]\n", metrics);
            Assert.Matches(@"fastlog_metadata_applied_offset [1-9]", metrics);
            Assert.Contains("fastlog_partitions_offline 0", metrics, StringComparison.Ordinal);
            Assert.Contains("fastlog_partitions_under_replicated 0", metrics, StringComparison.Ordinal);
            Assert.Matches(@"fastlog_isr_change_requests_total\{result=""made""\} \d+\n", metrics);
        }

        // A producer bootstrapped on broker 1 alone reaches the leaders on all three.
        var producerConfig = new ProducerConfig { BootstrapServers = _brokers[0].BootstrapServers, EnableIdempotence = true, Acks = Acks.All };
        using (var producer = new ProducerBuilder<string, string>(producerConfig).Build())
        {
            for (var p = 0; p < 6; p++)
            {
                var delivered = await producer.ProduceAsync(new TopicPartition("orders", p), new Message<string, string> { Key = $"k{p}", Value = $"v{p}" });
                Assert.Equal(0, delivered.Offset.Value);
            }
        }

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = _brokers[2].BootstrapServers, GroupId = "unused", EnableAutoCommit = false }).Build())
        {
            consumer.Assign(Enumerable.Range(0, 6).Select(p => new TopicPartitionOffset("orders", p, Offset.Beginning)));
            var values = new HashSet<string>();
            var deadline = DateTime.UtcNow + Patience;
            while (values.Count < 6 && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } record)
                {
                    values.Add(record.Message.Value);
                }
            }

            Assert.Equal(Enumerable.Range(0, 6).Select(p => $"v{p}").ToHashSet(), values);
        }

        // kcat (Debian's librdkafka 2.0.2, older protocol versions) through the third broker alone: it
        // sees three brokers, writes to each partition's leader and reads everything back.
        var kcat = _brokers[2].BootstrapServers;
        var listing = await ExternalClient.RunAsync("kcat", "apt-get install kcat; .ci/run does it", null, Patience, "-L", "-b", kcat, "-t", "orders");
        Assert.Contains(" 3 brokers:", listing, StringComparison.Ordinal);
        for (var p = 0; p < 6; p++)
        {
            await ExternalClient.RunAsync("kcat", "apt-get install kcat", $"kcat-{p}\n", Patience, "-P", "-b", kcat, "-t", "orders", "-p", $"{p}");
        }

        var read = await ExternalClient.RunAsync("kcat", "apt-get install kcat", null, Patience, "-C", "-b", kcat, "-t", "orders", "-o", "beginning", "-e", "-q", "-f", "%p:%s@%o\n");
        Assert.Equal(
            Enumerable.Range(0, 6).SelectMany(p => new[] { $"{p}:v{p}@0", $"{p}:kcat-{p}@1" }).Order(StringComparer.Ordinal),
            read.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

        // The controller stops: another is elected, the stopped broker is fenced and leaves every ISR,
        // its partitions move to in-sync followers (a clean election), and creation still works.
        var controllerId = (await WaitForMetadataAsync(_brokers[0], _ => true, "metadata")).Brokers.Count > 0
            ? _brokers.Select((b, i) => (b, i)).Single(x => x.b.Server.IsController).i
            : -1;
        var stopped = _brokers[controllerId];
        await stopped.StopAsync();
        var survivor = _brokers.First(b => !ReferenceEquals(b, stopped));
        var afterwards = await WaitForMetadataAsync(survivor, m => m.Brokers.Count == 2, "the stopped controller fenced");
        var orphaned = afterwards.Topics.Single(t => t.Topic == "orders").Partitions.Where(p => p.Replicas.Length > 0 && leaders.Single(l => l.PartitionId == p.PartitionId).Leader == controllerId + 1);
        Assert.All(orphaned, p =>
        {
            Assert.NotEqual(-1, p.Leader);
            Assert.NotEqual(controllerId + 1, p.Leader);
            Assert.DoesNotContain(controllerId + 1, p.InSyncReplicas);
        });

        // Every record is still there: the followers had replicated them.
        var reread = await ExternalClient.RunAsync("kcat", "apt-get install kcat", null, Patience, "-C", "-b", survivor.BootstrapServers, "-t", "orders", "-o", "beginning", "-e", "-q", "-f", "%p:%s@%o\n");
        Assert.Equal(read.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), reread.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = survivor.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "after-failover", NumPartitions = 2, ReplicationFactor = 2 }]);
        }

        await WaitForMetadataAsync(_brokers.Last(b => !ReferenceEquals(b, stopped)), m => m.Topics.Any(t => t.Topic == "after-failover" && t.Partitions.All(p => p.Leader > 0)), "topic after-failover");
    }

    [Fact]
    public async Task A_group_has_one_coordinator_whichever_broker_its_members_bootstrap_from()
    {
        foreach (var broker in _brokers)
        {
            await WaitForMetadataAsync(broker, m => m.Brokers.Count == 3, "three registered brokers");
        }

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _brokers[0].BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "shared", NumPartitions = 6, ReplicationFactor = 1 }]);
        }

        foreach (var broker in _brokers)
        {
            await WaitForMetadataAsync(broker, m => m.Topics.Any(t => t.Topic == "shared" && t.Partitions.Count == 6), "topic shared");
        }

        // Two members of one group, each knowing a different broker, split the six partitions between them.
        var assigned = new List<TopicPartition>[2];
        var consumers = Enumerable.Range(0, 2).Select(i => new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = _brokers[i * 2].BootstrapServers,
            GroupId = "split",
            SessionTimeoutMs = 10_000,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build()).ToArray();
        try
        {
            foreach (var consumer in consumers)
            {
                consumer.Subscribe("shared");
            }

            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                foreach (var consumer in consumers)
                {
                    consumer.Consume(TimeSpan.FromMilliseconds(200));
                }

                for (var i = 0; i < 2; i++)
                {
                    assigned[i] = consumers[i].Assignment;
                }

                if (assigned[0].Count + assigned[1].Count == 6 && assigned[0].Count > 0 && assigned[1].Count > 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"assignments {assigned[0].Count} + {assigned[1].Count}, not 6 split between two members");
            }

            Assert.Empty(assigned[0].Intersect(assigned[1]));
            consumers[0].Commit([new TopicPartitionOffset(assigned[0][0], 1)]);
        }
        finally
        {
            foreach (var consumer in consumers)
            {
                consumer.Close();
                consumer.Dispose();
            }
        }

        // Every broker names the same coordinator, and the committed offset is there whichever broker the admin asks.
        var coordinators = new HashSet<int>();
        foreach (var broker in _brokers)
        {
            using var client = await broker.ConnectRawAsync();
            var found = await client.SendAsync<FastLog.Protocol.FindCoordinatorResponse>(new FastLog.Protocol.FindCoordinatorRequest { Key = "split" }, version: 3);
            Assert.Equal(FastLog.Protocol.ErrorCode.None, found.ErrorCode);
            coordinators.Add(found.NodeId);
        }

        Assert.Single(coordinators);
        using var offsetsAdmin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _brokers[1].BootstrapServers }).Build();
        var offsets = await offsetsAdmin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("split", [assigned[0][0]])]);
        Assert.Equal(1, offsets.Single().Partitions.Single().Offset.Value);

        // Deleted through a broker that forwards it: gone from every broker's metadata and disk.
        await offsetsAdmin.DeleteTopicsAsync(["shared"]);
        foreach (var broker in _brokers)
        {
            await WaitForMetadataAsync(broker, m => m.Topics.All(t => t.Topic != "shared"), "topic shared deleted");
        }

        var deleteDeadline = DateTime.UtcNow + Patience;
        while (_brokers.Any(b => Directory.EnumerateDirectories(b.DataDirectory, "shared-*").Any()))
        {
            Assert.True(DateTime.UtcNow < deleteDeadline, "partition directories of shared still on disk");
            await Task.Delay(100);
        }
    }
}
