using FastLog.Client;
using FastLog.Protocol;
using LogDirPartition = FastLog.Protocol.DescribeLogDirsResponse.DescribeLogDirsPartition;

namespace FastLog.Broker.Tests;

/// <summary>
/// DescribeLogDirs (API 35), as kafka-ui, AKHQ and kafka-log-dirs.sh send it: the broker's one log
/// directory with each partition's size, which is exactly the bytes produced since batches are
/// stored verbatim.
/// </summary>
public sealed class DescribeLogDirsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task EveryPartition_WithItsSize_InTheDataDirectory(short version)
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var sizes = await CreateAndProduceAsync(client);

        var response = await client.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest { Topics = null }, version);

        Assert.Equal(ErrorCode.None, response.ErrorCode);
        var dir = Assert.Single(response.Results);
        Assert.Equal((ErrorCode.None, Path.GetFullPath(broker.DataDirectory)), (dir.ErrorCode, dir.LogDir));
        Assert.True(Path.IsPathRooted(dir.LogDir));
        Assert.Equal(["empty", "sized"], dir.Topics.Select(t => t.Name));
        Assert.Equal([(0, sizes[0]), (1, sizes[1])], Partitions(dir.Topics[1].Partitions));
        Assert.All(dir.Topics[1].Partitions, p => Assert.Equal((0L, false), (p.OffsetLag, p.IsFutureKey)));
        Assert.Equal([(0, 0L)], Partitions(dir.Topics[0].Partitions));
        if (version >= 4)
        {
            Assert.True(dir.TotalBytes > 0 && dir.UsableBytes > 0 && dir.UsableBytes <= dir.TotalBytes, $"total {dir.TotalBytes}, usable {dir.UsableBytes}");
        }
        else
        {
            Assert.Equal((-1L, -1L), (dir.TotalBytes, dir.UsableBytes));
        }
    }

    [Fact]
    public async Task RequestedTopics_OnlyThoseThatExist()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var sizes = await CreateAndProduceAsync(client);

        var response = await client.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest
        {
            Topics =
            [
                new() { Name = "sized", PartitionIndexes = [1, 7, -1, 1] },
                new() { Name = "never-was", PartitionIndexes = [0] },
            ],
        }, version: 4);

        // Kafka leaves unknown topics and partitions out of the answer instead of reporting an error.
        var dir = Assert.Single(response.Results);
        var topic = Assert.Single(dir.Topics);
        Assert.Equal("sized", topic.Name);
        Assert.Equal([(1, sizes[1])], Partitions(topic.Partitions));

        var none = await client.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest { Topics = [] }, version: 4);
        Assert.Empty(Assert.Single(none.Results).Topics);
    }

    /// <summary>Creates "sized" (2 partitions: one batch in 0, three in 1) and "empty" (1 partition); returns the bytes produced per partition of "sized".</summary>
    private static async Task<long[]> CreateAndProduceAsync(KafkaClientConnection client)
    {
        var created = await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics =
            [
                new() { Name = "sized", NumPartitions = 2, ReplicationFactor = -1 },
                new() { Name = "empty", NumPartitions = 1, ReplicationFactor = -1 },
            ],
        }, version: 7);
        Assert.All(created.Topics, t => Assert.Equal(ErrorCode.None, t.ErrorCode));

        var sizes = new long[2];
        foreach (var (partition, count) in new[] { (0, 1), (1, 3) })
        {
            for (var i = 0; i < count; i++)
            {
                var batch = RecordBatches.Single([(byte)i], new byte[100 + (partition * 1000)]);
                var produce = RecordBatches.Produce("sized", batch);
                produce.TopicData[0].Partitions[0].Index = partition;
                var produced = await client.SendAsync<ProduceResponse>(produce, version: 9);
                Assert.Equal(ErrorCode.None, produced.Responses[0].Partitions[0].ErrorCode);
                sizes[partition] += batch.Length;
            }
        }

        return sizes;
    }

    private static (int Index, long Size)[] Partitions(List<LogDirPartition> partitions) =>
        [.. partitions.Select(p => (p.PartitionIndex, p.PartitionSize))];
}
