using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FastLog.Broker.Tests;

/// <summary>
/// cleanup.policy=compact with a real client (Confluent.Kafka): several values per key, tombstones,
/// small segments; after the cleaner ran, a read from the beginning returns the latest value of
/// every key at the offset it was acknowledged with, and tombstones go after delete.retention.ms.
/// </summary>
public sealed class CompactionEndToEndTests
{
    private const int Keys = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CompactedTopic_KeepsTheLatestValuePerKey_AtItsOffset_AndDropsExpiredTombstones()
    {
        await using var broker = await TestBroker.StartAsync(o => o.LogCleanerBackoffMs = 100);
        await CreateCompactedTopicAsync(broker, "table", partitions: 1, deleteRetention: TimeSpan.Zero);

        // lz4 from librdkafka: the cleaner re-compresses what it filters with the producer's codec.
        using var producer = new ProducerBuilder<string?, string?>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            CompressionType = CompressionType.Lz4,
            LingerMs = 0,
        }).Build();
        var latest = new Dictionary<string, (long Offset, string? Value)>();
        for (var i = 0; i < 1_500; i++)
        {
            var key = $"key-{i % Keys}";
            // Keys 0-4 end with a tombstone.
            var value = i >= 1_500 - Keys && i % Keys < 5 ? null : $"value-{i}";
            var result = await producer.ProduceAsync("table", new Message<string?, string?> { Key = key, Value = value });
            latest[key] = (result.Offset.Value, value);
        }

        var keyless = await Assert.ThrowsAsync<ProduceException<string?, string?>>(
            () => producer.ProduceAsync("table", new Message<string?, string?> { Key = null, Value = "no key" }));
        Assert.Equal(ErrorCode.InvalidRecord, keyless.Error.Code);

        // Cleaned: at most one record per key below the active segment, each the latest, at its offset.
        var stored = await WaitForAsync(broker, records => records.Count < 3 * Keys);
        foreach (var (offset, key, value) in stored)
        {
            Assert.True(latest[key].Offset >= offset);
            if (latest[key].Offset == offset)
            {
                Assert.Equal(latest[key].Value, value);
            }
        }

        foreach (var (key, (offset, value)) in latest.Where(k => k.Value.Value is not null))
        {
            Assert.Contains((offset, key, value), stored);
        }

        // delete.retention.ms=0: a later pass (over new dirty data) removes the tombstones.
        for (var i = 0; i < 200; i++)
        {
            await producer.ProduceAsync("table", new Message<string?, string?> { Key = "filler", Value = $"f{i}" });
        }

        var after = await WaitForAsync(broker, records => !records.Any(r => r.Value is null && r.Offset < latest.Values.Max(l => l.Offset)));
        Assert.DoesNotContain(after, r => latest.TryGetValue(r.Key, out var l) && l.Value is null);
        foreach (var (key, (offset, value)) in latest.Where(k => k.Value.Value is not null))
        {
            Assert.Contains((offset, key, value), after);
        }
    }

    /// <summary>
    /// Creates a compacted topic that the cleaner reaches fast: 4 KiB segments (the active one is never
    /// cleaned), min.cleanable.dirty.ratio 0.01, and the given delete.retention.ms.
    /// </summary>
    internal static async Task CreateCompactedTopicAsync(TestBroker broker, string topic, int partitions, TimeSpan deleteRetention)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic,
            NumPartitions = partitions,
            ReplicationFactor = 1,
            Configs = new()
            {
                ["cleanup.policy"] = "compact",
                ["segment.bytes"] = "4096",
                ["min.cleanable.dirty.ratio"] = "0.01",
                ["delete.retention.ms"] = ((long)deleteRetention.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            },
        }]);
    }

    /// <summary>Reads the topic from the beginning until <paramref name="done"/> holds (bounded by <see cref="Deadline"/>).</summary>
    private static async Task<List<(long Offset, string Key, string? Value)>> WaitForAsync(TestBroker broker, Func<List<(long Offset, string Key, string? Value)>, bool> done)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var records = TopicReader.ReadKeyed(broker.BootstrapServers, "table");
            if (done(records) || DateTime.UtcNow > deadline)
            {
                Assert.True(done(records), $"not compacted within {Deadline}: {records.Count} records");
                return records;
            }

            await Task.Delay(200);
        }
    }
}
