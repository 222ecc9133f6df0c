using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Protocol;
using ErrorCode = FastLog.Protocol.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>
/// ListOffsets by timestamp and MAX_TIMESTAMP (-3): the exact record inside multi-record batches
/// (Kafka's ListOffsetsIntegrationTest cases: timestamps T+100, T+999, T+200 in one batch or three),
/// across segment rolls and DeleteRecords, and Kafka's errors for specs a version does not define.
/// </summary>
public sealed class ListOffsetsTests
{
    /// <summary>A recent base time: older records would be deleted by retention.ms (7 days) when DeleteRecords applies retention.</summary>
    private static readonly long T = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // librdkafka sends a batch uncompressed when compression would not make it smaller; a
    // repetitive value makes sure the lz4 case really stores an lz4 batch.
    private static readonly string CompressibleValue = new('x', 512);

    [Theory]
    [InlineData(CompressionType.None, true, 1)]
    [InlineData(CompressionType.None, false, 1)]
    [InlineData(CompressionType.Gzip, true, 1)]
    [InlineData(CompressionType.Gzip, false, 1)]
    // No lz4 decoder among the allowed packages: a compressed batch FastLog cannot open answers
    // with its first offset (the record is in that batch) and its MaxTimestamp.
    [InlineData(CompressionType.Lz4, true, 0)]
    public async Task MaxTimestampAndOffsetsForTimes_NameTheExactRecord(CompressionType compression, bool oneBatch, long expectedMaxOffset)
    {
        await using var broker = await TestBroker.StartAsync();
        const string topic = "timed";
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            CompressionType = compression,
            LingerMs = oneBatch ? 60_000 : 0,
            Acks = Acks.All,
        }).Build())
        {
            var deliveries = new List<Task>();
            foreach (var timestamp in new[] { T + 100, T + 999, T + 200 })
            {
                var delivery = producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Key = "k", Value = CompressibleValue, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) });
                deliveries.Add(delivery);
                if (!oneBatch)
                {
                    await delivery.WaitAsync(Deadline);
                }
            }

            producer.Flush(Deadline);
            await Task.WhenAll(deliveries).WaitAsync(Deadline);
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var max = await ListOffsetAsync(admin, topic, OffsetSpec.MaxTimestamp());
        if (compression == CompressionType.Lz4)
        {
            // The first offset of the batch holding record 1: 0 when librdkafka put all three in
            // one batch, 1 when it sent the first record on its own before the linger.
            Assert.InRange(max.TopicPartitionOffsetError.Offset.Value, expectedMaxOffset, 1);
            Assert.Equal(T + 999, max.Timestamp);
        }
        else
        {
            Assert.Equal((expectedMaxOffset, T + 999), (max.TopicPartitionOffsetError.Offset.Value, max.Timestamp));
        }

        Assert.Equal(0, (await ListOffsetAsync(admin, topic, OffsetSpec.Earliest())).TopicPartitionOffsetError.Offset.Value);
        Assert.Equal(3, (await ListOffsetAsync(admin, topic, OffsetSpec.Latest())).TopicPartitionOffsetError.Offset.Value);

        if (compression != CompressionType.Lz4)
        {
            // The first record at or after the time, not the first of its batch.
            using var consumer = new ConsumerBuilder<string, string>(ProduceConsumeTests.ConsumerConfig(broker)).Build();
            Offset At(long timestamp) =>
                consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(timestamp, TimestampType.CreateTime))], Deadline).Single().Offset;
            Assert.Equal(1, At(T + 150).Value);
            Assert.Equal(Offset.End, At(T + 1000));
        }
    }

    [Fact]
    public async Task MaxTimestamp_AcrossSegmentRolls_AndAfterDeleteRecords()
    {
        await using var broker = await TestBroker.StartAsync();
        const string topic = "rolled";
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["segment.bytes"] = "4096" } }]);

        // 40 one-record batches of ~300 bytes: several 4 KiB segments. Timestamps T + i, except a
        // peak at 7 tied at 30 (another segment).
        using (var producer = new ProducerBuilder<string, string>(ProduceConsumeTests.ProducerConfig(broker)).Build())
        {
            for (var i = 0; i < 40; i++)
            {
                var timestamp = i is 7 or 30 ? T + 10_000 : T + i;
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Key = "k", Value = new string('v', 300), Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) })
                    .WaitAsync(Deadline);
            }
        }

        Assert.True(Directory.GetFiles(Path.Combine(broker.DataDirectory, $"{topic}-0"), "*.log").Length > 3);
        Assert.Equal((7L, T + 10_000), await MaxAsync());

        // The first maximum deleted: the tie in a later segment is the answer, then the newest record.
        await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 8)]);
        Assert.Equal((30L, T + 10_000), await MaxAsync());
        await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 31)]);
        Assert.Equal((39L, T + 39), await MaxAsync());

        async Task<(long, long)> MaxAsync()
        {
            var info = await ListOffsetAsync(admin, topic, OffsetSpec.MaxTimestamp());
            return (info.TopicPartitionOffsetError.Offset.Value, info.Timestamp);
        }
    }

    [Fact]
    public async Task UndefinedSpecsForTheVersion_AreUnsupportedVersion_AndDuplicatesInvalid()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = "specs" }], AllowAutoTopicCreation = true }, 9);

        static ListOffsetsRequest Request(params (int Partition, long Timestamp)[] entries) => new()
        {
            Topics = [new() { Name = "specs", Partitions = entries.Select(e => new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = e.Partition, Timestamp = e.Timestamp }).ToList() }],
        };

        // -3 is defined from v7; -4 (v8) and -5 (v9) and other negatives never at the versions served.
        var v6 = await client.SendAsync<ListOffsetsResponse>(Request((0, -3)), 6);
        Assert.Equal(ErrorCode.UnsupportedVersion, v6.Topics[0].Partitions[0].ErrorCode);
        var v7 = await client.SendAsync<ListOffsetsResponse>(Request((0, -4)), 7);
        Assert.Equal(ErrorCode.UnsupportedVersion, v7.Topics[0].Partitions[0].ErrorCode);
        v7 = await client.SendAsync<ListOffsetsResponse>(Request((0, -5)), 7);
        Assert.Equal(ErrorCode.UnsupportedVersion, v7.Topics[0].Partitions[0].ErrorCode);
        v7 = await client.SendAsync<ListOffsetsResponse>(Request((0, -6)), 7);
        Assert.Equal(ErrorCode.UnsupportedVersion, v7.Topics[0].Partitions[0].ErrorCode);

        // An empty log has no maximum: no error, offset and timestamp -1 (Kafka's testListMaxTimestampWithEmptyLog).
        var empty = (await client.SendAsync<ListOffsetsResponse>(Request((0, -3)), 7)).Topics[0].Partitions[0];
        Assert.Equal((ErrorCode.None, -1L, -1L, -1), (empty.ErrorCode, empty.Offset, empty.Timestamp, empty.LeaderEpoch));

        var duplicated = await client.SendAsync<ListOffsetsResponse>(Request((0, -1), (0, -2)), 7);
        Assert.All(duplicated.Topics[0].Partitions, p => Assert.Equal(ErrorCode.InvalidRequest, p.ErrorCode));

        var versions = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 3);
        Assert.Equal(7, versions.ApiKeys.Single(k => k.ApiKey == (short)ApiKey.ListOffsets).MaxVersion);
    }

    private static async Task<ListOffsetsResultInfo> ListOffsetAsync(IAdminClient admin, string topic, OffsetSpec spec)
    {
        var result = await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(topic, 0), OffsetSpec = spec }]);
        return result.ResultInfos.Single();
    }
}
