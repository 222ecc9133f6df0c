using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// The real broker on a small loop-mounted ext4 (root only): produce fills every partition to the
/// last megabytes and then answers KAFKA_STORAGE_ERROR, admin requests still answer, DeleteRecords
/// and deleting a topic free space, produce resumes without a restart, and every acknowledged record is read back.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const int FilesystemMegabytes = 160;
    private const int RecordBytes = 8192;
    private const int FillPartitions = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FullDisk_FillsEveryPartition_AnswersStorageError_DeleteTopicFreesSpace_AndProduceResumes()
    {
        if (!LoopFilesystem.Available)
        {
            output.WriteLine("skipped: needs root and mkfs.ext4 to loop-mount a small filesystem");
            return;
        }

        var logPath = Path.Combine(Path.GetTempPath(), $"fastlog-diskfull-{Guid.NewGuid():N}.log");
        try
        {
            using var filesystem = LoopFilesystem.Create(FilesystemMegabytes);
            using (var broker = await BrokerProcess.StartAsync(new BrokerProcessOptions
            {
                DataDirectory = Path.Combine(filesystem.MountPoint, "data"),
                Arguments = ["--shards", "2", "--auto-create-topics", "false"],
                LogPath = logPath,
            }))
            {
                await RunAsync(broker, filesystem);
                Assert.Equal(0, await broker.TerminateAsync());
            }

            var log = File.ReadAllLines(logPath);
            var warnings = log.Count(l => l.Contains("warn:", StringComparison.Ordinal) && l.Contains("disk full", StringComparison.Ordinal));
            var recovered = log.Count(l => l.Contains("info:", StringComparison.Ordinal) && l.Contains("appends resumed", StringComparison.Ordinal));
            output.WriteLine($"log: {log.Length} lines, {warnings} disk-full warnings, {recovered} resumed lines");
            foreach (var line in log.Where(l => !l.Contains("info:", StringComparison.Ordinal) || l.Contains("disk", StringComparison.Ordinal) || l.Contains("resumed", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }

            Assert.InRange(warnings, 1, FillPartitions);
            Assert.InRange(recovered, 1, FillPartitions);
            Assert.True(log.Length < 200, $"{log.Length} log lines:\n{string.Join('\n', log.TakeLast(40))}");
        }
        finally
        {
            File.Delete(logPath);
        }
    }

    private async Task RunAsync(BrokerProcess broker, LoopFilesystem filesystem)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync(
        [
            // Small segments, so DeleteRecords can free whole ones.
            new TopicSpecification { Name = "ballast", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["segment.bytes"] = "4194304" } },
            new TopicSpecification { Name = "fill", NumPartitions = FillPartitions, ReplicationFactor = 1 },
        ]);

        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = false,
            // The broker's own answer, not librdkafka's retries until a timeout.
            MessageSendMaxRetries = 0,
            MessageTimeoutMs = 20000,
            LingerMs = 5,
        }).Build();

        // 32 MiB of ballast, all acknowledged while the disk has room.
        for (var i = 0; i < 4096; i += 64)
        {
            var sent = Enumerable.Range(i, 64).Select(n => producer.ProduceAsync(new TopicPartition("ballast", 0), new Message<Null, byte[]> { Value = Payload(n) }));
            await Task.WhenAll(sent);
        }

        var acknowledged = new Dictionary<(int Partition, long Offset), int>();
        var acknowledgedBytes = new long[FillPartitions];
        var next = 0;
        var start = filesystem.AvailableBytes;
        var fill = await ProduceUntilFullAsync(producer, acknowledged, acknowledgedBytes, () => next++);
        var availableWhenFull = filesystem.AvailableBytes;
        output.WriteLine($"available before fill {start >> 20} MiB, when produce fails {availableWhenFull >> 20} MiB; acknowledged per partition (MiB): {string.Join(", ", acknowledgedBytes.Select(b => b >> 20))}; other errors: {string.Join(", ", fill.OtherErrors)}");
        Assert.Empty(fill.OtherErrors);
        Assert.True(fill.StorageErrors > 0);
        Assert.True(availableWhenFull < 8L << 20, $"{availableWhenFull >> 20} MiB still free when produce failed");
        Assert.All(acknowledgedBytes, bytes => Assert.True(bytes > 8L << 20, $"a partition took only {bytes >> 20} MiB"));

        // Admin requests on the full disk are answered (an error code, never a dropped connection).
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "late", NumPartitions = 1, ReplicationFactor = 1 }], new CreateTopicsOptions { RequestTimeout = Deadline });
            output.WriteLine("CreateTopics on the full disk succeeded");
        }
        catch (CreateTopicsException e)
        {
            output.WriteLine($"CreateTopics on the full disk: {e.Results.Single().Error}");
            Assert.False(e.Results.Single().Error.IsLocalError, e.Message);
        }

        // DeleteRecords below the ballast's middle deletes its older segments on the full disk.
        var freeBefore = filesystem.AvailableBytes;
        var low = (await admin.DeleteRecordsAsync([new TopicPartitionOffset("ballast", 0, 2048)], new DeleteRecordsOptions { RequestTimeout = Deadline })).Single();
        var freed = filesystem.AvailableBytes - freeBefore;
        output.WriteLine($"DeleteRecords (low watermark {low.Offset.Value}) freed {freed >> 20} MiB");
        Assert.Equal(2048, low.Offset.Value);
        Assert.True(freed > 8L << 20, $"DeleteRecords freed only {freed >> 20} MiB");

        freeBefore = filesystem.AvailableBytes;
        await admin.DeleteTopicsAsync(["ballast"], new DeleteTopicsOptions { RequestTimeout = Deadline });
        freed = filesystem.AvailableBytes - freeBefore;
        output.WriteLine($"DeleteTopics freed {freed >> 20} MiB");
        Assert.True(freed > 12L << 20, $"DeleteTopics freed only {freed >> 20} MiB");

        // Produce resumes by itself (no restart) on every partition.
        for (var p = 0; p < FillPartitions; p++)
        {
            var value = next++;
            var result = await producer.ProduceAsync(new TopicPartition("fill", p), new Message<Null, byte[]> { Value = Payload(value) });
            acknowledged[(p, result.Offset.Value)] = value;
        }

        var stored = ReadAll(broker.BootstrapServers);
        var lost = acknowledged.Count(a => !stored.TryGetValue(a.Key, out var found) || found != a.Value);
        output.WriteLine($"{acknowledged.Count} acknowledged, {stored.Count} stored, {lost} lost");
        Assert.Equal(0, lost);
    }

    /// <summary>Round-robin over the partitions until each answered KAFKA_STORAGE_ERROR three times in a row.</summary>
    private static async Task<(int StorageErrors, List<string> OtherErrors)> ProduceUntilFullAsync(
        IProducer<Null, byte[]> producer, Dictionary<(int, long), int> acknowledged, long[] acknowledgedBytes, Func<int> nextValue)
    {
        var failuresInARow = new int[FillPartitions];
        var storageErrors = 0;
        var other = new List<string>();
        var giveUp = DateTime.UtcNow.AddMinutes(3);
        while (failuresInARow.Any(f => f < 3) && DateTime.UtcNow < giveUp && other.Count == 0)
        {
            var sent = Enumerable.Range(0, 48).Select(async i =>
            {
                var partition = i % FillPartitions;
                var value = nextValue();
                try
                {
                    var result = await producer.ProduceAsync(new TopicPartition("fill", partition), new Message<Null, byte[]> { Value = Payload(value) });
                    return (partition, value, offset: result.Offset.Value, error: ErrorCode.NoError);
                }
                catch (ProduceException<Null, byte[]> e)
                {
                    return (partition, value, offset: -1L, error: e.Error.Code);
                }
            }).ToList();
            foreach (var (partition, value, offset, error) in await Task.WhenAll(sent))
            {
                if (error == ErrorCode.NoError)
                {
                    acknowledged[(partition, offset)] = value;
                    acknowledgedBytes[partition] += RecordBytes;
                    failuresInARow[partition] = 0;
                }
                else if (error == ErrorCode.KafkaStorageError)
                {
                    storageErrors++;
                    failuresInARow[partition]++;
                }
                else
                {
                    other.Add(error.ToString());
                }
            }
        }

        return (storageErrors, other);
    }

    /// <summary>Distinct, barely compressible bytes per value, so the disk fills at the rate records are sent.</summary>
    private static byte[] Payload(int value)
    {
        var bytes = new byte[RecordBytes];
        new Random(value).NextBytes(bytes);
        BitConverter.TryWriteBytes(bytes, value);
        return bytes;
    }

    private static Dictionary<(int, long), int> ReadAll(string bootstrap)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "disk-full-check",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, FillPartitions).Select(p => new TopicPartitionOffset("fill", p, Offset.Beginning)));
        var stored = new Dictionary<(int, long), int>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (atEnd.Count < FillPartitions && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is not { } record)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                atEnd.Add(record.Partition.Value);
                continue;
            }

            stored[(record.Partition.Value, record.Offset.Value)] = BitConverter.ToInt32(record.Message.Value);
        }

        Assert.Equal(FillPartitions, atEnd.Count);
        return stored;
    }
}
