using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Records;
using ErrorCode = Confluent.Kafka.ErrorCode;
using FetchRequest = FastLog.Protocol.FetchRequest;
using FetchResponse = FastLog.Protocol.FetchResponse;
using MemoryRecords = FastLog.Protocol.MemoryRecords;

namespace FastLog.Broker.Tests;

/// <summary>
/// A topic's compression.type (and its level configs) through librdkafka's AdminClient, and the
/// broker re-encoding produced batches with the topic's codec, as Kafka does.
/// </summary>
public sealed class TopicCompressionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Lz4Topic_StoresUncompressedAndGzipBatchesAsLz4_InOrder_AndConsumersReadThemIntact()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var admin = AdminTests.AdminFor(broker))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "lz4-topic", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["compression.type"] = "lz4" } }]);
            var configs = await DescribeAsync(admin, "lz4-topic");
            Assert.Equal(("lz4", ConfigSource.DynamicTopicConfig), (configs["compression.type"].Value, configs["compression.type"].Source));
            Assert.Equal(("9", ConfigSource.DefaultConfig), (configs["compression.lz4.level"].Value, configs["compression.lz4.level"].Source));
        }

        // Idempotent producers with many batches in flight: the re-encoded batches must keep their order.
        var sent = new List<(string Key, string Value, string Header)>();
        foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip })
        {
            sent.AddRange(await ProduceAsync(broker, "lz4-topic", codec, first: sent.Count, count: 3_000));
        }

        using (var consumer = new ConsumerBuilder<string, string>(ProduceConsumeTests.ConsumerConfig(broker)).Build())
        {
            consumer.Assign(new TopicPartitionOffset("lz4-topic", 0, Offset.Beginning));
            var stop = DateTime.UtcNow + Deadline;
            var received = new List<(string, string, string)>();
            while (received.Count < sent.Count && DateTime.UtcNow < stop)
            {
                if (consumer.Consume(TimeSpan.FromSeconds(1)) is { IsPartitionEOF: false } record)
                {
                    Assert.Equal(received.Count, record.Offset.Value);
                    received.Add((record.Message.Key, record.Message.Value, Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("h"))));
                }
            }

            Assert.Equal(sent, received);
        }

        var stored = await StoredBatchesAsync(broker, "lz4-topic");
        Assert.Equal(sent.Count, stored.Sum(b => b.RecordCount));
        Assert.All(stored, b => Assert.Equal(CompressionCodec.Lz4, b.CompressionCodec));
        Assert.All(stored, b => Assert.True(b.ProducerId >= 0));
    }

    [Fact]
    public async Task CompressionConfigs_AreValidated_Altered_AndTakeEffectOnTheOpenPartition()
    {
        await using var broker = await TestBroker.StartAsync();
        using var admin = AdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "altered", NumPartitions = 1, ReplicationFactor = 1 }]);
        var topic = new ConfigResource { Type = ResourceType.Topic, Name = "altered" };
        var initial = (await DescribeAsync(admin, "altered"))["compression.type"];
        Assert.Equal(("producer", ConfigSource.DefaultConfig), (initial.Value, initial.Source));

        await ProduceAsync(broker, "altered", CompressionType.Snappy, first: 0, count: 10);

        await admin.IncrementalAlterConfigsAsync(new()
        {
            [topic] =
            [
                new ConfigEntry { Name = "compression.type", Value = "zstd", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "compression.zstd.level", Value = "-5", IncrementalOperation = AlterConfigOpType.Set },
            ],
        });
        var configs = await DescribeAsync(admin, "altered");
        Assert.Equal(("zstd", "-5"), (configs["compression.type"].Value, configs["compression.zstd.level"].Value));
        await ProduceAsync(broker, "altered", CompressionType.Lz4, first: 10, count: 10);

#pragma warning disable CS0618 // AlterConfigs is deprecated in favour of the incremental API; both must accept the values.
        await admin.AlterConfigsAsync(new() { [topic] = [new ConfigEntry { Name = "compression.type", Value = "uncompressed" }, new ConfigEntry { Name = "compression.gzip.level", Value = "9" }] });
#pragma warning restore CS0618
        await ProduceAsync(broker, "altered", CompressionType.Gzip, first: 20, count: 10);

        foreach (var (name, value) in new[] { ("compression.type", "brotli"), ("compression.lz4.level", "18"), ("compression.gzip.level", "0"), ("compression.zstd.level", "23") })
        {
            var refused = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new()
            {
                [topic] = [new ConfigEntry { Name = name, Value = value, IncrementalOperation = AlterConfigOpType.Set }],
            }));
            Assert.Equal(ErrorCode.InvalidConfig, refused.Results.Single().Error.Code);
        }

        var stored = await StoredBatchesAsync(broker, "altered");
        Assert.Equal(30, stored.Sum(b => b.RecordCount));
        Assert.Equal(
            [CompressionCodec.Snappy, CompressionCodec.Zstd, CompressionCodec.None],
            stored.Select(b => b.CompressionCodec).Distinct());
    }

    [Fact]
    public async Task BrokerDefault_CompressionType_AppliesToNewTopics()
    {
        await using var broker = await TestBroker.StartAsync(options => options.TopicDefaults["compression.type"] = "zstd");
        await ProduceAsync(broker, "auto-created", CompressionType.None, first: 0, count: 10);

        using var admin = AdminTests.AdminFor(broker);
        Assert.Equal("zstd", (await DescribeAsync(admin, "auto-created"))["compression.type"].Value);
        Assert.Equal([CompressionCodec.Zstd], (await StoredBatchesAsync(broker, "auto-created")).Select(b => b.CompressionCodec).Distinct());
    }

    private static async Task<List<(string Key, string Value, string Header)>> ProduceAsync(TestBroker broker, string topic, CompressionType codec, int first, int count)
    {
        using var producer = new ProducerBuilder<string, string>(ProduceConsumeTests.ProducerConfig(broker, codec)).Build();
        var messages = Enumerable.Range(first, count).Select(i => ($"key-{i % 101}", $"value-{i}-{new string('v', i % 500)}", $"h{i}")).ToList();
        var deliveries = messages.Select(m => producer.ProduceAsync(topic, new Message<string, string>
        {
            Key = m.Item1,
            Value = m.Item2,
            Headers = new Headers { { "h", Encoding.UTF8.GetBytes(m.Item3) } },
        })).ToList();
        var results = await Task.WhenAll(deliveries).WaitAsync(Deadline);
        Assert.Equal(Enumerable.Range(first, count).Select(i => (long)i), results.Select(r => r.Offset.Value));
        return messages;
    }

    /// <summary>The headers of the batches as the log holds them, read with a raw Fetch (CRC-32C checked).</summary>
    private static async Task<List<RecordBatchHeader>> StoredBatchesAsync(TestBroker broker, string topic)
    {
        using var client = await broker.ConnectRawAsync();
        var headers = new List<RecordBatchHeader>();
        long next = 0;
        while (true)
        {
            var response = await client.SendAsync<FetchResponse>(new FetchRequest
            {
                MaxWaitMs = 0,
                Topics = [new FastLog.Protocol.TopicData<FetchRequest.FetchPartition> { Name = topic, Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = next, PartitionMaxBytes = 1 << 20 }] }],
            }, version: 12);
            var partition = Assert.Single(Assert.Single(response.Responses).Partitions);
            Assert.Equal(Protocol.ErrorCode.None, partition.ErrorCode);
            var bytes = ((MemoryRecords?)partition.Records)?.Bytes ?? ReadOnlyMemory<byte>.Empty;
            var whole = 0;
            for (var at = 0; RecordBatchHeader.CheckStructure(bytes.Span[at..], out var size) == RecordBatchError.None; at += size)
            {
                var header = RecordBatchHeader.Read(bytes.Span[at..]);
                headers.Add(header);
                next = header.LastOffset + 1;
                whole++;
            }

            if (whole == 0)
            {
                return headers;
            }
        }
    }

    private static Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(IAdminClient admin, string topic) =>
        AdminTests.DescribeAsync(admin, new ConfigResource { Type = ResourceType.Topic, Name = topic });
}
