namespace FastLog.Broker.Tests;

/// <summary>
/// kcat (Debian's, on librdkafka 2.0.2: older protocol versions than Confluent.Kafka 2.16) as an
/// independent client. .ci/run installs it; without kcat on PATH these tests fail saying so.
/// </summary>
public sealed class KcatTests
{
    [Fact]
    public async Task Kcat_ProducesAndConsumesKeyedRecords()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 1);
        var lines = Enumerable.Range(0, 500).Select(i => $"key{i}:value {i}").ToList();
        await RunKcatAsync(string.Join('\n', lines) + "\n", "-P", "-b", broker.BootstrapServers, "-t", "kcat-topic", "-K:");

        var output = await RunKcatAsync(null, "-C", "-b", broker.BootstrapServers, "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-f", "%k:%s@%o\\n");
        var consumed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Select((line, i) => $"{line}@{i}"), consumed);
    }

    [Fact]
    public async Task Kcat_ListsMetadata()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 3);
        await RunKcatAsync("x\n", "-P", "-b", broker.BootstrapServers, "-t", "listed");
        var output = await RunKcatAsync(null, "-L", "-b", broker.BootstrapServers, "-t", "listed");
        Assert.Contains("topic \"listed\" with 3 partitions", output, StringComparison.Ordinal);
        Assert.Contains($"broker 0 at {broker.BootstrapServers}", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 14's real-client check of compaction: kcat produces keyed updates and tombstones (-Z: an
    /// empty value is sent as NULL) to a compacted topic with small segments; a kcat read from the
    /// beginning then returns exactly the latest value of every key at its offset, the tombstones
    /// while delete.retention.ms runs, and no tombstone once it has passed.
    /// </summary>
    [Fact]
    public async Task Kcat_CompactedTopic_ReadsBackTheLatestValuePerKey_AndTombstonesGoAfterDeleteRetention()
    {
        const int Keys = 20, Rounds = 15, Tombstoned = 4;
        var deleteRetention = TimeSpan.FromSeconds(6);
        await using var broker = await TestBroker.StartAsync(o => o.LogCleanerBackoffMs = 100);
        await CompactionEndToEndTests.CreateCompactedTopicAsync(broker, "kcat-table", partitions: 1, deleteRetention);

        // Rounds of updates; the last round deletes keys 0-3; then updates of one more key roll the
        // tombstones out of the active segment (which is never cleaned).
        var lines = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            lines.AddRange(Enumerable.Range(0, Keys).Select(k => round == Rounds - 1 && k < Tombstoned ? $"key-{k}:" : $"key-{k}:value-{round}-{k}"));
        }

        lines.AddRange(Enumerable.Range(0, 600).Select(i => $"filler:filler-{i}"));
        // Small batches (a batch never exceeds segment.bytes), snappy: the cleaner re-compresses what it filters.
        var produceStarted = DateTime.UtcNow;
        await RunKcatAsync(string.Join('\n', lines) + "\n", "-P", "-b", broker.BootstrapServers, "-t", "kcat-table", "-K:", "-Z", "-z", "snappy", "-X", "batch.num.messages=10");
        // Offsets are the line numbers: one partition, one producer.
        var latest = lines.Select((line, offset) => (Key: line[..line.IndexOf(':', StringComparison.Ordinal)], Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..], Offset: offset))
            .GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last());
        var live = latest.Values.Where(r => r.Key != "filler" && r.Value.Length > 0).Select(r => $"{r.Key}={r.Value}@{r.Offset}").ToHashSet();
        var tombstones = latest.Values.Where(r => r.Value.Length == 0).Select(r => $"{r.Key}=NULL@{r.Offset}").ToHashSet();
        Assert.Equal(Tombstoned, tombstones.Count);

        // Cleaned: one record per table key (the filler key's updates may still sit in the active segment).
        var cleaned = await ReadUntilAsync(broker, records => TableRecords(records).Select(Key).Distinct().Count() == TableRecords(records).Count);
        var table = TableRecords(cleaned).ToHashSet();
        Assert.Superset(live, table);
        Assert.Subset(live.Union(tombstones).ToHashSet(), table);
        Assert.Contains($"filler={latest["filler"].Value}@{latest["filler"].Offset}", cleaned);
        // Tombstones stay at least delete.retention.ms after the cleaner reached them, which was after
        // they were produced: within that time of the produce, all must still be there.
        if (DateTime.UtcNow - produceStarted < deleteRetention)
        {
            Assert.Superset(tombstones, table);
        }

        // After delete.retention.ms: exactly the latest live value of every table key, no tombstone.
        var after = await ReadUntilAsync(broker, records => !records.Any(r => r.Contains("=NULL@", StringComparison.Ordinal)));
        Assert.Equal(live.Order(StringComparer.Ordinal), TableRecords(after).Order(StringComparer.Ordinal));
        Assert.Contains($"filler={latest["filler"].Value}@{latest["filler"].Offset}", after);
    }

    private static List<string> TableRecords(List<string> records) => records.Where(r => !r.StartsWith("filler=", StringComparison.Ordinal)).ToList();

    private static string Key(string record) => record[..record.IndexOf('=', StringComparison.Ordinal)];

    /// <summary>
    /// Reads the topic from the beginning with kcat (KEY=VALUE@OFFSET, NULL for a null value) until
    /// <paramref name="done"/> holds, within 30 s.
    /// </summary>
    private static async Task<List<string>> ReadUntilAsync(TestBroker broker, Func<List<string>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var output = await RunKcatAsync(null, "-C", "-b", broker.BootstrapServers, "-t", "kcat-table", "-o", "beginning", "-e", "-q", "-Z", "-f", "%k=%s@%o\\n");
            var records = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (done(records) || DateTime.UtcNow > deadline)
            {
                Assert.True(done(records), $"not compacted within 30 s: {records.Count} records");
                return records;
            }

            await Task.Delay(200);
        }
    }

    private static Task<string> RunKcatAsync(string? input, params string[] args) =>
        ExternalClient.RunAsync("kcat", "apt-get install kcat; .ci/run does it", input, TimeSpan.FromSeconds(60), args);
}
