using Confluent.Kafka;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>kill -9 of the real broker process loses nothing acknowledged with acks=all, nor any committed offset; SIGTERM stops it cleanly.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fastlog-crash-{Guid.NewGuid():N}");

    [Fact]
    public async Task KillMinus9_LosesNoAcknowledgedRecord()
    {
        const string topic = "crash";
        var acknowledged = new List<(int Partition, long Offset, string Value)>();
        var random = new Random(99);
        for (var round = 0; round < 3; round++)
        {
            using (var broker = await StartBrokerAsync("--partitions", "3"))
            {
                using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
                {
                    BootstrapServers = broker.BootstrapServers,
                    Acks = Acks.All,
                    EnableIdempotence = true,
                    LingerMs = 1,
                    MessageTimeoutMs = 5000,
                }).Build();
                // The kill comes at a random moment once records are being acknowledged (the first
                // produce also waits for the topic's auto-creation and the producer id).
                var ackedBefore = acknowledged.Count;
                var giveUp = DateTime.UtcNow.AddSeconds(30);
                DateTime? killAt = null;
                var sequence = 0;
                var inFlight = new List<Task>();
                while (DateTime.UtcNow < (killAt ?? giveUp))
                {
                    lock (acknowledged)
                    {
                        killAt ??= acknowledged.Count > ackedBefore ? DateTime.UtcNow.AddMilliseconds(200 + random.Next(800)) : null;
                    }

                    var value = $"r{round}-{sequence++}";
                    inFlight.Add(producer.ProduceAsync(topic, new Message<Null, string> { Value = value }).ContinueWith(t =>
                    {
                        if (t.IsCompletedSuccessfully)
                        {
                            lock (acknowledged)
                            {
                                acknowledged.Add((t.Result.Partition.Value, t.Result.Offset.Value, value));
                            }
                        }
                    }, TaskScheduler.Default));
                    if (inFlight.Count % 200 == 0)
                    {
                        await Task.Delay(1);
                    }
                }

                broker.Kill();
                await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30));
            }

            Assert.NotEmpty(acknowledged);
            using var restarted = await StartBrokerAsync();
            var stored = TopicReader.ReadAll(restarted.BootstrapServers, topic, partitionCount: 3);
            foreach (var (partition, offset, value) in acknowledged)
            {
                Assert.True(stored.TryGetValue((partition, offset), out var found), $"round {round}: acknowledged {partition}@{offset} is missing");
                Assert.Equal(value, found);
            }

            Assert.Equal(0, await restarted.TerminateAsync());
        }
    }

    [Fact]
    public async Task CommittedOffsets_SurviveKillMinus9()
    {
        const string topic = "offsets-crash";
        var committed = new[] { new TopicPartitionOffset(topic, 0, 7), new TopicPartitionOffset(topic, 1, 3) };
        using (var broker = await StartBrokerAsync("--partitions", "2"))
        {
            using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                for (var i = 0; i < 20; i++)
                {
                    await producer.ProduceAsync(new TopicPartition(topic, i % 2), new Message<Null, string> { Value = $"v{i}" });
                }
            }

            using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "survivors", EnableAutoCommit = false }).Build();
            consumer.Assign(committed.Select(c => new TopicPartitionOffset(c.TopicPartition, Offset.Beginning)));
            consumer.Commit(committed); // answered only once the offsets log is on disk
            broker.Kill();
        }

        using var restarted = await StartBrokerAsync();
        using var reader = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = restarted.BootstrapServers, GroupId = "survivors", EnableAutoCommit = false }).Build();
        var found = reader.Committed(committed.Select(c => c.TopicPartition), TimeSpan.FromSeconds(30));
        Assert.Equal(committed.Select(c => (c.Partition.Value, c.Offset.Value)), found.OrderBy(f => f.Partition.Value).Select(f => (f.Partition.Value, f.Offset.Value)));
    }

    /// <summary>The real executable on this test's data directory, on two shards as the in-process brokers run.</summary>
    private Task<BrokerProcess> StartBrokerAsync(params string[] arguments) =>
        BrokerProcess.StartAsync(new BrokerProcessOptions { DataDirectory = _dataDirectory, Arguments = ["--shards", "2", .. arguments] });

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
