using System.Net;
using Confluent.Kafka;
using FastLog.Client;
using FastLog.Protocol;
using FastLog.Testing;
using ErrorCode = FastLog.Protocol.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>
/// Files damaged at rest, against the real executable (issue 16, probes 4-6): a closed segment's
/// deleted index files are rebuilt and timestamp lookups find its records again; a full-scan
/// recovery past a flipped byte quarantines instead of deleting; the scrub finds a flipped byte
/// and fetches there get KAFKA_STORAGE_ERROR. Each case checks its log line's level.
/// </summary>
public sealed class DamagedFilesTests : IDisposable
{
    private const string Topic = "damaged";
    private const int Records = 3000;
    private static readonly long T = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fastlog-damaged-{Guid.NewGuid():N}");

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogPath => Path.Combine(_root, "broker.log");

    private string PartitionDirectory => Path.Combine(DataDirectory, $"{Topic}-0");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>The broker on one shard with 64 KiB segments (so 3000 records make several) and the given scrub rate.</summary>
    private Task<BrokerProcess> StartAsync(long scrubBytesPerSecond = 0)
    {
        Directory.CreateDirectory(_root);
        var config = Path.Combine(_root, "server.properties");
        File.WriteAllText(config, $"log.segment.bytes=65536\nfastlog.scrub.bytes.per.second={scrubBytesPerSecond}\n");
        return BrokerProcess.StartAsync(new BrokerProcessOptions
        {
            DataDirectory = DataDirectory,
            LogPath = LogPath,
            Arguments = ["--shards", "1", "--config", config],
        });
    }

    private static string Value(int i) => $"record-{i:D5}-{new string('v', 100)}";

    /// <summary>Record i at offset i with timestamp T + i, acks=all, in batches of ~15 records.</summary>
    private static async Task ProduceAsync(BrokerProcess broker)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5, BatchSize = 2000 }).Build();
        var deliveries = Enumerable.Range(0, Records)
            .Select(i => producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<Null, string> { Value = Value(i), Timestamp = new Timestamp(T + i, TimestampType.CreateTime) }))
            .ToList();
        var results = await Task.WhenAll(deliveries).WaitAsync(Deadline);
        Assert.Equal(Enumerable.Range(0, Records).Select(i => (long)i), results.Select(r => r.Offset.Value));
    }

    /// <summary>Every value from the beginning to the end of the partition, in offset order.</summary>
    private static List<string> ConsumeAll(BrokerProcess broker)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "damaged-check",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(1));
            if (record is { IsPartitionEOF: true })
            {
                return values;
            }

            if (record is not null)
            {
                Assert.Equal(values.Count, record.Offset.Value);
                values.Add(record.Message.Value);
            }
        }

        throw new TimeoutException($"no end of partition after {values.Count} records");
    }

    private List<long> SegmentBases() =>
        Directory.GetFiles(PartitionDirectory, "*.log").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();

    private string SegmentFile(long baseOffset, string extension) => Path.Combine(PartitionDirectory, $"{baseOffset:D20}{extension}");

    /// <summary>Flips a byte inside the records of the third batch of a segment; returns that batch's first and last offset.</summary>
    private (long First, long Last, long Position) FlipByteInThirdBatch(long baseOffset)
    {
        var path = SegmentFile(baseOffset, ".log");
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var header = new byte[61];
        long position = 0;
        for (var batch = 0; ; batch++)
        {
            file.Position = position;
            file.ReadExactly(header);
            var first = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(header);
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
            if (batch == 2)
            {
                file.Position = position + 61 + 5;
                var value = file.ReadByte();
                file.Position--;
                file.WriteByte((byte)(value ^ 0x5A));
                return (first, first + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(23)), position);
            }

            position += 12 + length;
        }
    }

    private string[] LogLines() => File.ReadAllLines(LogPath);

    /// <summary>Produces the records, stops the broker (SIGTERM, or SIGKILL when not <paramref name="clean"/>) and returns the segments' base offsets.</summary>
    private async Task<List<long>> ProduceAndStopAsync(bool clean)
    {
        using (var broker = await StartAsync())
        {
            await ProduceAsync(broker);
            if (clean)
            {
                Assert.Equal(0, await broker.TerminateAsync());
            }
            else
            {
                broker.Kill();
            }
        }

        var bases = SegmentBases();
        Assert.True(bases.Count >= 4, $"{bases.Count} segments: {string.Join(' ', Directory.GetFiles(PartitionDirectory).Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}"))}\n{string.Join('\n', LogLines())}");
        return bases;
    }

    [Fact]
    public async Task DeletedIndexFiles_AreRebuilt_AndOffsetsForTimesFindsTheSegmentAgain()
    {
        var bases = await ProduceAndStopAsync(clean: true);
        var closed = bases[2];
        File.Delete(SegmentFile(closed, ".index"));
        File.Delete(SegmentFile(closed, ".timeindex"));

        using var restarted = await StartAsync();
        using (var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = restarted.BootstrapServers, GroupId = "times" }).Build())
        {
            var target = closed + 10;
            var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(Topic, 0, new Timestamp(T + target, TimestampType.CreateTime))], Deadline);
            Assert.Equal(target, Assert.Single(found).Offset.Value);
        }

        Assert.Equal(Enumerable.Range(0, Records).Select(Value), ConsumeAll(restarted));
        Assert.Single(LogLines(), l => l.Contains(" warn: ", StringComparison.Ordinal) && l.Contains($"segment {closed}: index file missing; rebuilt its index files", StringComparison.Ordinal));
        Assert.True(File.Exists(SegmentFile(closed, ".index")) && File.Exists(SegmentFile(closed, ".timeindex")));
    }

    [Fact]
    public async Task FullScanRecovery_PastAFlippedByte_QuarantinesTheRest_AndDeletesNothing()
    {
        var bases = await ProduceAndStopAsync(clean: false);
        var (damagedOffset, _, position) = FlipByteInThirdBatch(bases[1]);
        var later = bases.Skip(2).ToDictionary(b => b, b => File.ReadAllBytes(SegmentFile(b, ".log")));
        File.Delete(Path.Combine(PartitionDirectory, "partition.checkpoint"));

        using var restarted = await StartAsync();

        // Served up to the damage; everything after it is in quarantine, byte for byte.
        Assert.Equal(Enumerable.Range(0, (int)damagedOffset).Select(Value), ConsumeAll(restarted));
        var quarantine = Assert.Single(Directory.GetDirectories(Path.Combine(PartitionDirectory, "quarantine")));
        Assert.True(new FileInfo(Path.Combine(quarantine, $"{bases[1]:D20}.log.from-byte-{position}")).Length > 0);
        foreach (var (baseOffset, bytes) in later)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(quarantine, $"{baseOffset:D20}.log")));
        }

        var error = Assert.Single(LogLines(), l => l.Contains(" fail: ", StringComparison.Ordinal));
        Assert.Contains("CORRUPTION", error, StringComparison.Ordinal);
        Assert.Contains($"offsets from {damagedOffset} on are out of service", error, StringComparison.Ordinal);
        Assert.DoesNotContain(LogLines(), l => l.Contains("deleting", StringComparison.Ordinal));
        Assert.Equal(0, await restarted.TerminateAsync());
    }

    [Fact]
    public async Task Scrub_FindsAFlippedByte_AndFetchesThereGetKafkaStorageError()
    {
        // After a clean stop nothing is scanned at open: only the scrub can find the damage.
        var bases = await ProduceAndStopAsync(clean: true);
        var (first, last, _) = FlipByteInThirdBatch(bases[1]);

        using var restarted = await StartAsync(scrubBytesPerSecond: 16 << 20);
        var deadline = DateTime.UtcNow + Deadline;
        while (!LogLines().Any(l => l.Contains("CORRUPTION", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var error = Assert.Single(LogLines(), l => l.Contains("CORRUPTION", StringComparison.Ordinal));
        Assert.Contains(" fail: ", error, StringComparison.Ordinal);
        Assert.Contains($"offsets [{first}, {last + 1}) are out of service", error, StringComparison.Ordinal);

        using var client = await KafkaClientConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, restarted.Port), new KafkaClientOptions { ClientId = "scrub-test" });
        Assert.Equal(ErrorCode.KafkaStorageError, await FetchAsync(client, first));
        Assert.Equal(ErrorCode.KafkaStorageError, await FetchAsync(client, last));
        Assert.Equal(ErrorCode.None, await FetchAsync(client, 0));
        Assert.Equal(ErrorCode.None, await FetchAsync(client, last + 1));
        Assert.Equal(0, await restarted.TerminateAsync());
    }

    private static async Task<ErrorCode> FetchAsync(KafkaClientConnection client, long offset)
    {
        var response = await client.SendAsync<FetchResponse>(new FetchRequest
        {
            MaxWaitMs = 0,
            Topics = [new TopicData<FetchRequest.FetchPartition> { Name = Topic, Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = offset, PartitionMaxBytes = 1 << 20 }] }],
        }, 11);
        var partition = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.True(partition.ErrorCode != ErrorCode.None || partition.Records is { Length: > 0 }, $"offset {offset}: no error and no records");
        return partition.ErrorCode;
    }
}
