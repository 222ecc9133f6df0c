using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// ISR replication across three real broker processes, driven by Confluent.Kafka: with
/// replication.factor 3 and min.insync.replicas 2, an idempotent acks=all producer keeps writing
/// while partition leaders are killed (-9) and restarted; afterwards every acknowledged record is
/// read back exactly once at the offset it was acknowledged at, and the restarted brokers catch up
/// and rejoin every ISR. Consumer groups' committed offsets are replicated too: they survive the
/// loss of the group's coordinator.
/// </summary>
public sealed class ClusterReplicationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("fastlog-replication-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<Confluent.Kafka.Metadata> MetadataWhenAsync(IAdminClient admin, Func<Confluent.Kafka.Metadata, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
                if (condition(metadata))
                {
                    return metadata;
                }
            }
            catch (KafkaException)
            {
                // A broker that just died: ask again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} not seen within {Patience}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Acknowledged_records_survive_leader_kills_and_restarted_brokers_rejoin_the_isr_and_kcat_rides_through()
    {
        const string Topic = "replicated";
        const int Partitions = 3;
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await MetadataWhenAsync(admin, m => m.Brokers.Count == 3, "three registered brokers");
        await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = Partitions, ReplicationFactor = 3, Configs = new() { ["min.insync.replicas"] = "2" } }]);
        bool FullyInSync(Confluent.Kafka.Metadata m) => m.Topics.SingleOrDefault(t => t.Topic == Topic) is { Partitions.Count: Partitions } t
            && t.Partitions.All(p => p.Leader > 0 && p.InSyncReplicas.Length == 3);
        await MetadataWhenAsync(admin, FullyInSync, "every partition led with three replicas in sync");

        var acknowledged = new ConcurrentDictionary<string, (int Partition, long Offset)>();
        var failed = 0;
        using var stop = new CancellationTokenSource();
        var producing = Task.Run(async () =>
        {
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                EnableIdempotence = true,
                Acks = Acks.All,
                LingerMs = 5,
                MessageTimeoutMs = 60_000,
            }).Build();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var value = $"record-{i}";
                producer.Produce(Topic, new Message<Null, string> { Value = value }, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else
                    {
                        acknowledged[value] = (report.Partition.Value, report.Offset.Value);
                    }
                });
                if (i % 200 == 199)
                {
                    await Task.Delay(20);
                }
            }

            producer.Flush(TimeSpan.FromSeconds(90));
        });

        // kcat (librdkafka from Debian) starts producing while the second killed leader is down, its
        // partition leaderless until the controller moves it: it must deliver every line once.
        Task<string>? kcat = null;
        var kcatLines = Enumerable.Range(0, 3000).Select(i => $"kcat-{i}").ToList();
        for (var kill = 0; kill < 2; kill++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = await MetadataWhenAsync(admin, FullyInSync, "every replica back in sync");
            var leader = before.Topics.Single(t => t.Topic == Topic).Partitions.Single(p => p.PartitionId == kill % Partitions).Leader;
            var acknowledgedBefore = acknowledged.Count;
            var clock = Stopwatch.StartNew();
            cluster.Kill(leader);
            if (kill == 1)
            {
                kcat = ExternalClient.RunAsync("kcat", "apt-get install kcat; .ci/run does it", string.Join('\n', kcatLines) + "\n", Patience,
                    "-P", "-b", cluster.BootstrapServers, "-t", Topic, "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "message.timeout.ms=60000");
            }

            await MetadataWhenAsync(admin, m => m.Topics.Single(t => t.Topic == Topic).Partitions.All(p => p.Leader > 0 && p.Leader != leader), "new leaders on the live brokers");
            output.WriteLine($"kill {kill}: broker {leader} (led partition {kill % Partitions}) killed after {acknowledgedBefore} acknowledgements; leaders moved in {clock.ElapsedMilliseconds} ms");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await cluster.StartAsync(leader);
        }

        // The restarted brokers catch up (truncating what they held beyond the new leaders' logs) and rejoin every ISR.
        await MetadataWhenAsync(admin, FullyInSync, "the restarted brokers back in every ISR");
        await stop.CancelAsync();
        await producing;
        await kcat!;
        output.WriteLine($"{acknowledged.Count} acknowledged, {failed} failed");
        Assert.True(acknowledged.Count > 1000, $"only {acknowledged.Count} records acknowledged");

        var read = ReadAll(cluster.BootstrapServers, Topic, Partitions);
        var duplicated = read.GroupBy(r => r.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} records read twice, e.g. {string.Join(", ", duplicated.Take(5))}");
        var byValue = read.ToDictionary(r => r.Value, r => (r.Partition, r.Offset));
        var lost = acknowledged.Where(a => !byValue.ContainsKey(a.Key)).Select(a => a.Key).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged records lost, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Equal(kcatLines, kcatLines.Where(byValue.ContainsKey));
        var moved = acknowledged.Where(a => byValue[a.Key] != a.Value).ToList();
        Assert.True(moved.Count == 0, $"{moved.Count} records read at another offset than acknowledged, e.g. {string.Join(", ", moved.Take(5).Select(m => $"{m.Key} acked {m.Value} read {byValue[m.Key]}"))}");
    }

    [Fact]
    public async Task Committed_offsets_survive_the_loss_of_the_group_coordinator()
    {
        const string Topic = "orders";
        const string Group = "survivors";
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await MetadataWhenAsync(admin, m => m.Brokers.Count == 3, "three registered brokers");
        await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = 3 }]);
        await MetadataWhenAsync(admin, m => m.Topics.SingleOrDefault(t => t.Topic == Topic) is { } t && t.Partitions.All(p => p.InSyncReplicas.Length == 3), "the topic in sync");
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(Topic, new Message<Null, string> { Value = $"order-{i}" });
            }
        }

        var partition = new TopicPartition(Topic, 0);
        using (var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = Group, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest }).Build())
        {
            consumer.Subscribe(Topic);
            var seen = 0;
            var deadline = DateTime.UtcNow + Patience;
            while (seen < 7)
            {
                Assert.True(DateTime.UtcNow < deadline, $"consumed only {seen} records");
                if (consumer.Consume(TimeSpan.FromSeconds(1)) is { Message: not null })
                {
                    seen++;
                }
            }

            consumer.Commit([new TopicPartitionOffset(partition, 7)]);
            consumer.Close();
        }

        var coordinator = (await admin.DescribeConsumerGroupsAsync([Group])).ConsumerGroupDescriptions.Single().Coordinator.Id;
        cluster.Kill(coordinator);
        output.WriteLine($"group coordinator {coordinator} killed");

        // Another broker leads the group's __consumer_offsets partition, loads it and answers with the commit.
        using var survivor = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = Group, EnableAutoCommit = false }).Build();
        var answer = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var committed = survivor.Committed([partition], TimeSpan.FromSeconds(5)).Single();
                Assert.Equal(7, committed.Offset.Value);
                break;
            }
            catch (KafkaException e) when (DateTime.UtcNow < answer)
            {
                output.WriteLine($"committed offsets not available yet: {e.Error.Code}");
                await Task.Delay(500);
            }
        }

        // The group resumes where it committed.
        survivor.Subscribe(Topic);
        var first = DateTime.UtcNow + Patience;
        ConsumeResult<Ignore, string>? resumed = null;
        while (resumed?.Message is null)
        {
            Assert.True(DateTime.UtcNow < first, "the group did not resume");
            resumed = survivor.Consume(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(("order-7", 7L), (resumed.Message.Value, resumed.Offset.Value));
    }

    /// <summary>
    /// The partition's high watermark, asked again while leadership moves: a restarted preferred
    /// replica takes its leadership back once in sync, and librdkafka's watermark query does not
    /// retry the NOT_LEADER_OR_FOLLOWER a stale leader answers meanwhile.
    /// </summary>
    private static long HighWatermark(IConsumer<Ignore, string> consumer, TopicPartition partition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            }
            catch (KafkaException e) when (e.Error.Code is ErrorCode.NotLeaderForPartition or ErrorCode.LeaderNotAvailable && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Every record of every partition from the start up to the high watermark.</summary>
    private static List<(string Value, int Partition, long Offset)> ReadAll(string bootstrap, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "replication-check", EnableAutoCommit = false }).Build();
        var ends = Enumerable.Range(0, partitions).ToDictionary(p => p, p => HighWatermark(consumer, new TopicPartition(topic, p)));
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var read = new List<(string, int, long)>();
        var positions = ends.Keys.ToDictionary(p => p, _ => 0L);
        var deadline = DateTime.UtcNow + Patience;
        while (positions.Any(p => p.Value < ends[p.Key]))
        {
            Assert.True(DateTime.UtcNow < deadline, $"read only up to {string.Join(",", positions)} of {string.Join(",", ends)}");
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { IsPartitionEOF: false, Message: not null } result)
            {
                read.Add((result.Message.Value, result.Partition.Value, result.Offset.Value));
                positions[result.Partition.Value] = result.Offset.Value + 1;
            }
        }

        return read;
    }
}
