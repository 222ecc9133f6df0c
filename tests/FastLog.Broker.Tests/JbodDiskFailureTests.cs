using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Broker.Configuration;
using FastLog.Protocol;
using FastLog.Testing;
using Xunit.Abstractions;
using ErrorCode = FastLog.Protocol.ErrorCode;
using KafkaErrorCode = Confluent.Kafka.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>
/// Kafka JBOD on two small loop-mounted ext4 filesystems (root only): a topic's partitions spread
/// over both log.dirs; when one disk fails (the kernel remounts it read-only after an error) only
/// its partitions go offline with KAFKA_STORAGE_ERROR while a Confluent.Kafka producer keeps
/// writing to the other's; DescribeLogDirs and /metrics mark the failed directory; after the disk
/// is repaired and the broker restarted every acknowledged record of both disks is read back.
/// </summary>
public sealed class JbodDiskFailureTests(ITestOutputHelper output)
{
    private const string Topic = "jbod";
    private const int Partitions = 4;
    private const int RecordsBefore = 20;
    private const int RoundsAfter = 20;

    [Fact]
    public async Task OneFailedDisk_TakesOnlyItsPartitionsOffline_TheOtherKeepsServing_NothingAcknowledgedIsLost()
    {
        if (!LoopFilesystem.Available)
        {
            output.WriteLine("skipped: needs root and mkfs.ext4 to loop-mount two small filesystems");
            return;
        }

        using var diskA = LoopFilesystem.Create(48);
        using var diskB = LoopFilesystem.Create(48);
        string[] dirs = [Path.Combine(diskA.MountPoint, "data"), Path.Combine(diskB.MountPoint, "data")];
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.DataDirectories = [.. dirs];
            o.MetricsListen = new HostPort("127.0.0.1", 0);
        });

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
        }

        // Kafka's rule: each new partition goes to the directory holding the fewest, so 2 and 2.
        var placed = await DescribeAsync(broker);
        Assert.Equal([(ErrorCode.None, 2), (ErrorCode.None, 2)], dirs.Select(d => (placed[d].Error, placed[d].Partitions.Count)));
        var (onA, onB) = (placed[dirs[0]].Partitions, placed[dirs[1]].Partitions);
        output.WriteLine($"partitions on A: {string.Join(",", onA)}, on B: {string.Join(",", onB)}");

        var acknowledged = new Dictionary<(int Partition, long Offset), string>();
        var next = 0;
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = false,
            // The broker's own answer for each record, not librdkafka's retries until a timeout.
            MessageSendMaxRetries = 0,
            MessageTimeoutMs = 20000,
        }).Build();
        for (var i = 0; i < RecordsBefore; i++)
        {
            var errors = await ProduceRoundAsync(producer, acknowledged, () => $"record-{next++}");
            Assert.All(errors, e => Assert.Equal(KafkaErrorCode.NoError, e));
        }

        diskB.FailWithError();

        var outcomes = new List<KafkaErrorCode[]>();
        for (var i = 0; i < RoundsAfter; i++)
        {
            outcomes.Add(await ProduceRoundAsync(producer, acknowledged, () => $"record-{next++}"));
        }

        foreach (var p in onA)
        {
            Assert.All(outcomes, round => Assert.Equal(KafkaErrorCode.NoError, round[p]));
        }

        foreach (var p in onB)
        {
            Assert.All(outcomes, round => Assert.Equal(KafkaErrorCode.KafkaStorageError, round[p]));
        }

        var described = await DescribeAsync(broker);
        Assert.Equal(ErrorCode.None, described[dirs[0]].Error);
        Assert.Equal(onA, described[dirs[0]].Partitions);
        Assert.Equal((ErrorCode.KafkaStorageError, 0), (described[dirs[1]].Error, described[dirs[1]].Partitions.Count));

        // Fetch too: the failed disk's partitions answer KAFKA_STORAGE_ERROR, the other's their records.
        using (var client = await broker.ConnectRawAsync())
        {
            Assert.Equal(ErrorCode.KafkaStorageError, await FetchErrorAsync(client, onB[0]));
            Assert.Equal(ErrorCode.None, await FetchErrorAsync(client, onA[0]));
        }

        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var metrics = await http.GetStringAsync($"http://{broker.Server.MetricsEndPoint}/metrics");
            Assert.Contains($"fastlog_log_dir_offline{{dir=\"{dirs[0]}\"}} 0\n", metrics, StringComparison.Ordinal);
            Assert.Contains($"fastlog_log_dir_offline{{dir=\"{dirs[1]}\"}} 1\n", metrics, StringComparison.Ordinal);
        }

        var stored = TopicReader.ReadAll(broker.BootstrapServers, Topic, onA);
        Assert.Equal(acknowledged.Where(a => onA.Contains(a.Key.Partition)).ToDictionary(), stored);
        Assert.Equal(RecordsBefore + RoundsAfter, stored.Count / onA.Count);

        // Repair the disk (e2fsck, as an operator would) and restart: both disks serve everything acknowledged.
        await broker.StopAsync();
        diskB.Remount();
        await broker.RestartAsync();
        var all = TopicReader.ReadAll(broker.BootstrapServers, Topic, [.. onA, .. onB]);
        var lost = acknowledged.Count(a => !all.TryGetValue(a.Key, out var value) || value != a.Value);
        output.WriteLine($"{acknowledged.Count} acknowledged ({acknowledged.Keys.Count(k => onB.Contains(k.Partition))} on the failed disk), {all.Count} read back, {lost} lost");
        Assert.Equal(0, lost);
        Assert.Equal(acknowledged.Count, all.Count);
    }

    [Fact]
    public async Task APartitionIdleWhenItsDiskFails_LetsGoOfItsFilesOnStop_SoTheDiskCanBeRepaired()
    {
        if (!LoopFilesystem.Available)
        {
            output.WriteLine("skipped: needs root and mkfs.ext4 to loop-mount a small filesystem");
            return;
        }

        using var disk = LoopFilesystem.Create(16);
        await using var broker = await TestBroker.StartAsync(o => o.DataDirectories = [Path.Combine(disk.MountPoint, "data")]);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(new Confluent.Kafka.TopicPartition(Topic, 0), new Message<Null, string> { Value = "before the failure" });
        }

        Assert.NotEmpty(disk.OwnDescriptorsUnderMount());

        // Nothing writes after the failure, so the partition's log never faults: its clean close
        // (seal, checkpoint) is what fails, on the read-only disk, and must still close every file.
        disk.FailWithError();
        await broker.StopAsync();

        Assert.Empty(disk.OwnDescriptorsUnderMount());
        disk.Remount();
        await broker.RestartAsync();
        Assert.Equal(["before the failure"], TopicReader.ReadAll(broker.BootstrapServers, Topic, [0]).Values);
    }

    /// <summary>One record to each partition (acks=all); the error of each, by partition.</summary>
    private static async Task<KafkaErrorCode[]> ProduceRoundAsync(IProducer<Null, string> producer, Dictionary<(int, long), string> acknowledged, Func<string> nextValue)
    {
        var sent = Enumerable.Range(0, Partitions).Select(async partition =>
        {
            var value = nextValue();
            try
            {
                var result = await producer.ProduceAsync(new Confluent.Kafka.TopicPartition(Topic, partition), new Message<Null, string> { Value = value });
                return (partition, value, offset: result.Offset.Value, error: KafkaErrorCode.NoError);
            }
            catch (ProduceException<Null, string> e)
            {
                return (partition, value, offset: -1L, error: e.Error.Code);
            }
        }).ToList();
        var errors = new KafkaErrorCode[Partitions];
        foreach (var (partition, value, offset, error) in await Task.WhenAll(sent))
        {
            errors[partition] = error;
            if (error == KafkaErrorCode.NoError)
            {
                acknowledged[(partition, offset)] = value;
            }
        }

        return errors;
    }

    /// <summary>A raw Fetch (v11) of <paramref name="partition"/> from offset 0: the partition's error.</summary>
    private static async Task<ErrorCode> FetchErrorAsync(FastLog.Client.KafkaClientConnection client, int partition)
    {
        var response = await client.SendAsync<FetchResponse>(new FetchRequest
        {
            MaxWaitMs = 0,
            Topics = [new TopicData<FetchRequest.FetchPartition> { Name = Topic, Partitions = [new FetchRequest.FetchPartition { Partition = partition, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        }, 11);
        return Assert.Single(Assert.Single(response.Responses).Partitions).ErrorCode;
    }

    /// <summary>DescribeLogDirs (v4) by directory: its error and the partitions of the topic it lists.</summary>
    private static async Task<Dictionary<string, (ErrorCode Error, List<int> Partitions)>> DescribeAsync(TestBroker broker)
    {
        using var client = await broker.ConnectRawAsync();
        var response = await client.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest { Topics = null }, version: 4);
        return response.Results.ToDictionary(
            r => r.LogDir,
            r => (r.ErrorCode, r.Topics.Where(t => t.Name == Topic).SelectMany(t => t.Partitions).Select(p => p.PartitionIndex).Order().ToList()));
    }
}
