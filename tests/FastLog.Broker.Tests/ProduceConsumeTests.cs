using System.Text;
using Confluent.Kafka;

namespace FastLog.Broker.Tests;

/// <summary>Confluent.Kafka (librdkafka) producing to and consuming from a real FastLog broker.</summary>
public sealed class ProduceConsumeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(CompressionType.None, 20_000)]
    [InlineData(CompressionType.Gzip, 5_000)]
    [InlineData(CompressionType.Snappy, 5_000)]
    [InlineData(CompressionType.Lz4, 5_000)]
    [InlineData(CompressionType.Zstd, 5_000)]
    public async Task KeyedRecordsWithHeaders_ComeBackInOrderPerPartition(CompressionType compression, int count)
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 4);
        var topic = $"orders-{compression}".ToLowerInvariant();
        var sent = await ProduceAsync(broker, topic, count, compression);

        var received = Consume(broker, topic, count);

        Assert.Equal(count, received.Count);
        foreach (var partition in sent.Keys)
        {
            var expected = sent[partition];
            var actual = received.Where(r => r.Partition == partition).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(i, actual[i].Offset.Value);
                Assert.Equal(expected[i].Key, actual[i].Message.Key);
                Assert.Equal(expected[i].Value, actual[i].Message.Value);
                Assert.Equal(Encoding.UTF8.GetBytes(expected[i].Header), actual[i].Message.Headers.GetLastBytes("h"));
            }
        }
    }

    [Fact]
    public async Task NullKeysAndValues_RoundTrip()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var producer = new ProducerBuilder<string?, string?>(ProducerConfig(broker)).Build())
        {
            await producer.ProduceAsync("nulls", new Message<string?, string?> { Key = null, Value = "v" });
            await producer.ProduceAsync("nulls", new Message<string?, string?> { Key = "k", Value = null });
        }

        var consumer = new ConsumerBuilder<string?, string?>(ConsumerConfig(broker)).Build();
        using (consumer)
        {
            consumer.Assign(new TopicPartitionOffset("nulls", 0, Offset.Beginning));
            var first = consumer.Consume(Deadline)!;
            var second = consumer.Consume(Deadline)!;
            Assert.Null(first.Message.Key);
            Assert.Equal("v", first.Message.Value);
            Assert.Equal("k", second.Message.Key);
            Assert.Null(second.Message.Value);
        }
    }

    [Fact]
    public async Task Records_SurviveACleanRestart()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 2);
        var sent = await ProduceAsync(broker, "durable", 2_000, CompressionType.None);
        await broker.RestartAsync();

        var received = Consume(broker, "durable", 2_000);
        Assert.Equal(sent.Values.Sum(v => v.Count), received.Count);
        Assert.Equal(sent.Keys.Order(), received.Select(r => r.Partition.Value).Distinct().Order());
    }

    [Fact]
    public async Task ConsumerAtTheEnd_IsWokenByNewRecords()
    {
        await using var broker = await TestBroker.StartAsync();
        using var producer = new ProducerBuilder<string, string>(ProducerConfig(broker)).Build();
        await producer.ProduceAsync("live", new Message<string, string> { Key = "a", Value = "first" });
        using var consumer = new ConsumerBuilder<string, string>(ConsumerConfig(broker)).Build();
        consumer.Assign(new TopicPartitionOffset("live", 0, Offset.End));

        // The consumer is parked in a long-poll at the end of the log when the record arrives.
        var produced = Task.Run(async () =>
        {
            await Task.Delay(500);
            await producer.ProduceAsync("live", new Message<string, string> { Key = "b", Value = "second" });
        });
        var record = consumer.Consume(Deadline);
        await produced;
        Assert.NotNull(record);
        Assert.Equal("second", record.Message.Value);
        Assert.Equal(1, record.Offset.Value);
    }

    [Fact]
    public async Task ListOffsets_FindsRecordsByTimestamp()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var producer = new ProducerBuilder<string, string>(ProducerConfig(broker)).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("timed", new Message<string, string> { Key = "k", Value = $"v{i}", Timestamp = new Timestamp(1_700_000_000_000 + (i * 1000), TimestampType.CreateTime) });
            }
        }

        using var consumer = new ConsumerBuilder<string, string>(ConsumerConfig(broker)).Build();
        var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp("timed", 0, new Timestamp(1_700_000_004_500, TimestampType.CreateTime))], Deadline);
        Assert.Equal(5, found.Single().Offset.Value);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("timed", 0), Deadline);
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(10, watermarks.High.Value);
    }

    internal static ProducerConfig ProducerConfig(TestBroker broker, CompressionType compression = CompressionType.None) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        CompressionType = compression,
        LingerMs = 5,
        Acks = Acks.All,
        EnableIdempotence = true,
    };

    internal static ConsumerConfig ConsumerConfig(TestBroker broker) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = "fastlog-tests",
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
    };

    private sealed record Sent(string? Key, string? Value, string Header);

    private static async Task<Dictionary<int, List<Sent>>> ProduceAsync(TestBroker broker, string topic, int count, CompressionType compression)
    {
        var sent = new Dictionary<int, List<Sent>>();
        using var producer = new ProducerBuilder<string?, string?>(ProducerConfig(broker, compression)).Build();
        var deliveries = new List<Task<DeliveryResult<string?, string?>>>();
        var messages = new List<Sent>();
        for (var i = 0; i < count; i++)
        {
            var message = new Sent($"key-{i % 97}", $"value-{i}-{new string('x', i % 300)}", $"h{i}");
            messages.Add(message);
            deliveries.Add(producer.ProduceAsync(topic, new Message<string?, string?>
            {
                Key = message.Key,
                Value = message.Value,
                Headers = new Headers { { "h", Encoding.UTF8.GetBytes(message.Header) } },
            }));
        }

        var results = await Task.WhenAll(deliveries).WaitAsync(Deadline);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(PersistenceStatus.Persisted, results[i].Status);
            var list = sent.TryGetValue(results[i].Partition.Value, out var l) ? l : sent[results[i].Partition.Value] = [];
            Assert.Equal(list.Count, results[i].Offset.Value);
            list.Add(messages[i]);
        }

        return sent;
    }

    private static List<ConsumeResult<string?, string?>> Consume(TestBroker broker, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string?, string?>(ConsumerConfig(broker)).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, Deadline).Topics.Single().Partitions.Select(p => p.PartitionId);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var received = new List<ConsumeResult<string?, string?>>();
        var stop = DateTime.UtcNow + Deadline;
        while (received.Count < count && DateTime.UtcNow < stop)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { IsPartitionEOF: false } record)
            {
                received.Add(record);
            }
        }

        return received;
    }
}
