using FastLog.Client;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Broker.Tests;

/// <summary>
/// zstd and the clients that predate it (KIP-110), as Kafka answers them: Produce before v7 and
/// Fetch before v10 get UNSUPPORTED_COMPRESSION_TYPE instead of storing or receiving zstd batches.
/// </summary>
public sealed class LegacyZstdTests
{
    [Fact]
    public async Task ProduceBeforeV7_RefusesZstd_ButNotOtherCodecs_AndV7StoresIt()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        for (short version = 3; version < 7; version++)
        {
            var refused = await ProduceAsync(client, "zstd-produce", CompressionCodec.Zstd, version);
            Assert.Equal(ErrorCode.UnsupportedCompressionType, refused.ErrorCode);
            Assert.Equal(-1, refused.BaseOffset);
        }

        Assert.Equal((ErrorCode.None, 0L), Outcome(await ProduceAsync(client, "zstd-produce", CompressionCodec.Gzip, 3)));
        Assert.Equal((ErrorCode.None, 1L), Outcome(await ProduceAsync(client, "zstd-produce", CompressionCodec.Zstd, 7)));
    }

    [Fact]
    public async Task FetchBeforeV10_GetsUnsupportedCompressionType_WhereTheRecordsHoldZstd_FromMemoryAndFromFile()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var client = await broker.ConnectRawAsync())
        {
            await ProduceAsync(client, "old-codecs", CompressionCodec.Lz4, 7);
            await ProduceAsync(client, "with-zstd", CompressionCodec.Gzip, 7);
            await ProduceAsync(client, "with-zstd", CompressionCodec.Zstd, 7);
            await AssertFetchesAsync(client);
        }

        // After a restart the tail cache is empty: the records come from the segment file.
        await broker.RestartAsync();
        using (var client = await broker.ConnectRawAsync())
        {
            await AssertFetchesAsync(client);
        }
    }

    private static async Task AssertFetchesAsync(KafkaClientConnection client)
    {
        var refused = await FetchAsync(client, "with-zstd", 9);
        Assert.Equal((ErrorCode.UnsupportedCompressionType, -1L, -1L, 0), (refused.ErrorCode, refused.HighWatermark, refused.LogStartOffset, refused.Records?.Length ?? 0));

        var current = await FetchAsync(client, "with-zstd", 10);
        Assert.Equal((ErrorCode.None, 2L), (current.ErrorCode, current.HighWatermark));
        Assert.True(current.Records?.Length > 0);

        var old = await FetchAsync(client, "old-codecs", 4);
        Assert.Equal((ErrorCode.None, 1L), (old.ErrorCode, old.HighWatermark));
        Assert.True(old.Records?.Length > 0);
    }

    private static (ErrorCode, long) Outcome(ProduceResponse.PartitionProduceResponse partition) => (partition.ErrorCode, partition.BaseOffset);

    private static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(KafkaClientConnection client, string topic, CompressionCodec codec, short version)
    {
        // Opaque "compressed" bytes: the broker stores batches as sent and never decompresses them.
        var batch = new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }.BuildPassthrough("compressed"u8, 1, codec);
        var response = await client.SendAsync<ProduceResponse>(RecordBatches.Produce(topic, batch), version);
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }

    private static async Task<FetchResponse.PartitionData> FetchAsync(KafkaClientConnection client, string topic, short version)
    {
        var response = await client.SendAsync<FetchResponse>(new FetchRequest
        {
            MaxWaitMs = 0,
            Topics = [new TopicData<FetchRequest.FetchPartition> { Name = topic, Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        }, version);
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }
}
