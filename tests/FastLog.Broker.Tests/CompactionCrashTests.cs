using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>
/// kill -9 of the real broker while its cleaner keeps compacting (a pass every few milliseconds over
/// small segments): no acknowledged latest value is ever lost, no stored record differs from what was
/// acknowledged at its offset. (That a half-done cleaning is finished or dropped at open is checked
/// step by step in FastLog.Storage.Tests' CompactionTests: here the restarted broker's own cleaner
/// may have one in progress at any moment.)
/// </summary>
public sealed class CompactionCrashTests : IDisposable
{
    private const string Topic = "table";
    private const int Keys = 30;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fastlog-compaction-crash-{Guid.NewGuid():N}");

    [Fact]
    public async Task KillMinus9_WhileCleaning_LosesNoLatestValue()
    {
        Directory.CreateDirectory(_root);
        var config = Path.Combine(_root, "server.properties");
        await File.WriteAllTextAsync(config, "log.cleaner.backoff.ms=10\n");
        var acknowledged = new Dictionary<long, (string Key, string Value)>();
        var random = new Random(14);
        for (var round = 0; round < 3; round++)
        {
            using (var broker = await StartAsync(config))
            {
                if (round == 0)
                {
                    using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
                    await admin.CreateTopicsAsync([new TopicSpecification
                    {
                        Name = Topic,
                        NumPartitions = 1,
                        ReplicationFactor = 1,
                        Configs = new() { ["cleanup.policy"] = "compact", ["segment.bytes"] = "4096", ["min.cleanable.dirty.ratio"] = "0.01" },
                    }]);
                }

                using var producer = new ProducerBuilder<string, string>(new ProducerConfig
                {
                    BootstrapServers = broker.BootstrapServers,
                    Acks = Acks.All,
                    LingerMs = 1,
                    MessageTimeoutMs = 5000,
                }).Build();
                var killAt = DateTime.UtcNow.AddMilliseconds(700 + random.Next(1500));
                var inFlight = new List<Task>();
                for (var i = 0; DateTime.UtcNow < killAt; i++)
                {
                    var (key, value) = ($"k{i % Keys}", $"r{round}-{i}");
                    inFlight.Add(producer.ProduceAsync(Topic, new Message<string, string> { Key = key, Value = value }).ContinueWith(t =>
                    {
                        if (t.IsCompletedSuccessfully)
                        {
                            lock (acknowledged)
                            {
                                acknowledged[t.Result.Offset.Value] = (key, value);
                            }
                        }
                    }, TaskScheduler.Default));
                    if (i % 50 == 0)
                    {
                        await Task.Delay(1);
                    }
                }

                broker.Kill();
                await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        using var restarted = await StartAsync(config);
        var stored = TopicReader.ReadKeyed(restarted.BootstrapServers, Topic).ToDictionary(r => r.Offset, r => (r.Key, r.Value!));
        foreach (var (offset, record) in stored)
        {
            if (acknowledged.TryGetValue(offset, out var sent))
            {
                Assert.Equal(sent, record);
            }
        }

        foreach (var latest in acknowledged.GroupBy(a => a.Value.Key).Select(g => g.MaxBy(a => a.Key)))
        {
            Assert.True(stored.TryGetValue(latest.Key, out var found), $"the latest acknowledged value of {latest.Value.Key} (offset {latest.Key}) is missing");
            Assert.Equal(latest.Value, found);
        }

        Assert.True(stored.Count < acknowledged.Count, $"nothing was compacted: {stored.Count} of {acknowledged.Count} records stored");
        Assert.Equal(0, await restarted.TerminateAsync());
    }

    private Task<BrokerProcess> StartAsync(string config) => BrokerProcess.StartAsync(new BrokerProcessOptions
    {
        DataDirectory = Path.Combine(_root, "data"),
        Arguments = ["--shards", "2", "--config", config],
    });

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
