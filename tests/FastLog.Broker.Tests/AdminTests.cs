using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FastLog.Broker.Tests;

/// <summary>Confluent.Kafka's AdminClient (librdkafka) managing topics and configs on a real FastLog broker.</summary>
public sealed class AdminTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CreateDescribeDelete_Topic()
    {
        await using var broker = await TestBroker.StartAsync();
        using var admin = AdminFor(broker);

        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "events",
            NumPartitions = 3,
            ReplicationFactor = 1,
            Configs = new() { ["retention.bytes"] = "1048576" },
        }]);

        var described = (await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["events"]))).TopicDescriptions.Single();
        Assert.Equal(ErrorCode.NoError, described.Error.Code);
        Assert.Equal(3, described.Partitions.Count);
        Assert.All(described.Partitions, p => Assert.Equal(0, p.Leader.Id));
        Assert.NotEqual(0, described.TopicId.MostSignificantBits | described.TopicId.LeastSignificantBits);

        await admin.DeleteTopicsAsync(["events"]);
        Assert.DoesNotContain(admin.GetMetadata(Deadline).Topics, t => t.Topic == "events");
        Assert.False(Directory.Exists(Path.Combine(broker.DataDirectory, "events-0")));
    }

    [Fact]
    public async Task CreateTopics_DefaultPartitionCount_AndErrorsPerTopic()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 2);
        using var admin = AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "taken", NumPartitions = -1, ReplicationFactor = -1 }]);
        Assert.Equal(2, admin.GetMetadata("taken", Deadline).Topics.Single().Partitions.Count);

        var e = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
        [
            new TopicSpecification { Name = "taken", NumPartitions = 1 },
            new TopicSpecification { Name = "bad name!", NumPartitions = 1 },
            new TopicSpecification { Name = "bad-value", NumPartitions = 1, Configs = new() { ["segment.bytes"] = "12" } },
            new TopicSpecification { Name = "unknown-config", NumPartitions = 1, Configs = new() { ["no.such.config"] = "1" } },
            new TopicSpecification { Name = "three-replicas", NumPartitions = 1, ReplicationFactor = 3 },
            new TopicSpecification { Name = "fine", NumPartitions = 1 },
        ]));

        var errors = e.Results.ToDictionary(r => r.Topic, r => r.Error.Code);
        Assert.Equal(ErrorCode.TopicAlreadyExists, errors["taken"]);
        Assert.Equal(ErrorCode.TopicException, errors["bad name!"]);
        Assert.Equal(ErrorCode.InvalidConfig, errors["bad-value"]);
        Assert.Equal(ErrorCode.InvalidConfig, errors["unknown-config"]);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, errors["three-replicas"]);
        Assert.Equal(ErrorCode.NoError, errors["fine"]);
    }

    [Fact]
    public async Task CreatePartitions_GrowsTheTopic_AndRefusesShrinking()
    {
        await using var broker = await TestBroker.StartAsync();
        using var admin = AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "grow", NumPartitions = 1 }]);

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 3 }]);
        Assert.Equal(3, admin.GetMetadata("grow", Deadline).Topics.Single().Partitions.Count);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var delivered = await producer.ProduceAsync(new TopicPartition("grow", 2), new Message<Null, string> { Value = "to the new partition" });
            Assert.Equal(0, delivered.Offset.Value);
        }

        var e = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 2 }]));
        Assert.Equal(ErrorCode.InvalidPartitions, e.Results.Single().Error.Code);
    }

    [Fact]
    public async Task AlteredConfigs_AreDescribed_TakeEffect_AndSurviveARestart()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var admin = AdminFor(broker))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "configured", NumPartitions = 1, Configs = new() { ["retention.ms"] = "3600000" } }]);
            var topic = new ConfigResource { Type = ResourceType.Topic, Name = "configured" };

            // AlterConfigs replaces the whole set of overrides: retention.ms returns to its default.
#pragma warning disable CS0618 // AlterConfigs is deprecated in favour of the incremental API, which is tested below; both must work.
            await admin.AlterConfigsAsync(new() { [topic] = [new ConfigEntry { Name = "retention.bytes", Value = "2097152" }] });
#pragma warning restore CS0618
            var configs = await DescribeAsync(admin, topic);
            Assert.Equal(("2097152", ConfigSource.DynamicTopicConfig), (configs["retention.bytes"].Value, configs["retention.bytes"].Source));
            Assert.Equal(("604800000", ConfigSource.DefaultConfig), (configs["retention.ms"].Value, configs["retention.ms"].Source));

            await admin.IncrementalAlterConfigsAsync(new()
            {
                [topic] =
                [
                    new ConfigEntry { Name = "segment.bytes", Value = "8192", IncrementalOperation = AlterConfigOpType.Set },
                    new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append },
                ],
            });
            configs = await DescribeAsync(admin, topic);
            Assert.Equal("8192", configs["segment.bytes"].Value);
            Assert.Equal("delete,compact", configs["cleanup.policy"].Value);
            Assert.Equal("2097152", configs["retention.bytes"].Value);

            var refused = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new()
            {
                [topic] = [new ConfigEntry { Name = "segment.bytes", Value = "1", IncrementalOperation = AlterConfigOpType.Set }],
            }));
            Assert.Equal(ErrorCode.InvalidConfig, refused.Results.Single().Error.Code);
        }

        // The open partition uses the new segment.bytes: 20 records of 1 KiB roll several 8 KiB segments
        // (keyed: the topic is compacted now, which refuses records without a key).
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync("configured", new Message<string, byte[]> { Key = $"k{i}", Value = new byte[1024] });
            }
        }

        Assert.True(Directory.GetFiles(Path.Combine(broker.DataDirectory, "configured-0"), "*.log").Length > 1);

        await broker.RestartAsync();
        using (var admin = AdminFor(broker))
        {
            var configs = await DescribeAsync(admin, new ConfigResource { Type = ResourceType.Topic, Name = "configured" });
            Assert.Equal("8192", configs["segment.bytes"].Value);
            Assert.Equal("2097152", configs["retention.bytes"].Value);
        }
    }

    [Fact]
    public async Task DescribeConfigs_OfTheBroker_AreReadOnly()
    {
        await using var broker = await TestBroker.StartAsync(o => o.TopicDefaults["segment.bytes"] = "1048576");
        using var admin = AdminFor(broker);

        var configs = await DescribeAsync(admin, new ConfigResource { Type = ResourceType.Broker, Name = "0" });

        Assert.All(configs.Values, c => Assert.True(c.IsReadOnly));
        Assert.Equal("1", configs["num.partitions"].Value);
        Assert.Equal(("1048576", ConfigSource.StaticBrokerConfig), (configs["log.segment.bytes"].Value, configs["log.segment.bytes"].Source));
        Assert.Equal($"PLAINTEXT://{broker.BootstrapServers}", configs["advertised.listeners"].Value);
    }

    [Fact]
    public async Task DeleteRecords_MovesTheLowWatermark_AndConsumingStartsThere()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("trimmed", new Message<Null, string> { Value = $"record {i}" });
            }
        }

        using var admin = AdminFor(broker);
        var deleted = await admin.DeleteRecordsAsync([new TopicPartitionOffset("trimmed", 0, 4)]);
        Assert.Equal(4, deleted.Single().Offset.Value);

        var beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset("trimmed", 0, 11)]));
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Results.Single().Error.Code);

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "unused",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("trimmed", 0), Deadline);
        Assert.Equal((4, 10), (watermarks.Low.Value, watermarks.High.Value));

        consumer.Assign(new TopicPartitionOffset("trimmed", 0, Offset.Beginning));
        var first = consumer.Consume(Deadline)!;
        Assert.Equal(4, first.Offset.Value);
        Assert.Equal("record 4", first.Message.Value);
    }

    [Fact]
    public async Task DescribeCluster_IsThisNode()
    {
        await using var broker = await TestBroker.StartAsync();
        using var admin = AdminFor(broker);

        var cluster = await admin.DescribeClusterAsync();

        Assert.Equal("fastlog-cluster", cluster.ClusterId);
        Assert.Equal(0, cluster.Controller.Id);
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal(("127.0.0.1", broker.Server.ListenEndPoint.Port), (node.Host, node.Port));
    }

    internal static IAdminClient AdminFor(TestBroker broker) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

    internal static async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(IAdminClient admin, ConfigResource resource) =>
        (await admin.DescribeConfigsAsync([resource])).Single().Entries;
}
