using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit.Abstractions;

namespace FastLog.Protocol.Tests;

/// <summary>
/// librdkafka (Confluent.Kafka 2.16) against <see cref="CodecOnlyBroker"/>: the client must
/// accept our ApiVersions, Metadata, Produce, ListOffsets, Fetch (with spliced records) and admin
/// responses (it must log no protocol error), and every request frame it sends must decode and
/// re-encode to the same bytes.
/// </summary>
public sealed class LibrdkafkaInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _clientErrors = new();

    [Fact]
    public async Task ProduceThenConsume_ThroughTheCodec()
    {
        using var broker = new CodecOnlyBroker();
        var bootstrap = $"127.0.0.1:{broker.Port}";

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            LingerMs = 0,
            MessageTimeoutMs = (int)Timeout.TotalMilliseconds,
        }).SetLogHandler(OnLog).Build())
        {
            var first = await producer.ProduceAsync("t", new Message<string, string> { Key = "k1", Value = "hello" });
            var second = await producer.ProduceAsync("t", new Message<string, string> { Key = "k2", Value = "world" });
            Assert.Equal(PersistenceStatus.Persisted, first.Status);
            Assert.Equal(0, first.Offset.Value);
            Assert.Equal(1, second.Offset.Value);
        }

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "unused-with-assign",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 50,
        }).SetLogHandler(OnLog).Build())
        {
            consumer.Assign(new TopicPartitionOffset("t", 0, Offset.Beginning));
            var values = new List<string>();
            var deadline = DateTime.UtcNow + Timeout;
            while (values.Count < 2 && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is { } message)
                    values.Add(message.Value);
            }

            Assert.Equal(["hello", "world"], values);
            consumer.Close();
        }

        AssertRequestsDecodeAndReencode(broker);
    }

    [Fact]
    public async Task ConsumerGroup_JoinsCommitsAndLeaves_ThroughTheCodec()
    {
        using var broker = new CodecOnlyBroker();
        var bootstrap = $"127.0.0.1:{broker.Port}";
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap }).SetLogHandler(OnLog).Build())
            await producer.ProduceAsync("t", new Message<Null, string> { Value = "grouped" });

        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "g",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 50,
            SessionTimeoutMs = 6000,
        };
        using (var consumer = new ConsumerBuilder<Null, string>(config).SetLogHandler(OnLog).Build())
        {
            consumer.Subscribe("t");
            ConsumeResult<Null, string>? result = null;
            var deadline = DateTime.UtcNow + Timeout;
            while (result?.Message is null && DateTime.UtcNow < deadline)
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            Assert.Equal("grouped", result?.Message?.Value);

            consumer.Commit(result);
            var committed = consumer.Committed([new TopicPartition("t", 0)], Timeout);
            Assert.Equal(1, committed[0].Offset.Value);
            consumer.Close();
        }

        AssertRequestsDecodeAndReencode(broker);
    }

    [Fact]
    public async Task AdminOperations_ThroughTheCodec()
    {
        using var broker = new CodecOnlyBroker();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = $"127.0.0.1:{broker.Port}" }).SetLogHandler(OnLog).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 3, ReplicationFactor = 1 }]);
            var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "orders" }]);
            Assert.Equal("604800000", configs[0].Entries["retention.ms"].Value);
            await admin.DeleteTopicsAsync(["orders"]);
        }

        AssertRequestsDecodeAndReencode(broker);
    }

    private void OnLog<TClient>(TClient client, LogMessage message)
    {
        // PROTOERR is how librdkafka reports a response it could not parse.
        if (message.Level <= SyslogLevel.Error || message.Facility == "PROTOERR")
            _clientErrors.Enqueue($"{message.Facility}: {message.Message}");
    }

    private void AssertRequestsDecodeAndReencode(CodecOnlyBroker broker)
    {
        Assert.Empty(_clientErrors);
        Assert.Empty(broker.Errors);
        var seen = new SortedSet<string>();
        foreach (var frame in broker.Requests)
        {
            var request = RequestFrame.Decode(frame);
            seen.Add($"{request.Header.ApiKey} v{request.Header.ApiVersion}");
            if (request.Status != RequestStatus.Ok)
                continue;
            using var writer = new KafkaWriter();
            request.Header.Write(writer);
            request.Body!.Write(writer, request.Header.ApiVersion);
            Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(writer.WrittenSpan));
        }

        output.WriteLine("librdkafka sent: " + string.Join(", ", seen));
    }
}
