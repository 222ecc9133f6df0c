using System.Buffers.Binary;
using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>Malformed and hostile input: the right Kafka error, or a closed connection, and the broker keeps serving.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(200 * 1024 * 1024)]
    public async Task AbsurdFrameSize_ClosesOnlyThatConnection(int size)
    {
        await using var broker = await TestBroker.StartAsync();
        using (var client = await broker.ConnectRawAsync())
        {
            var frame = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(frame, size);
            await client.WriteAsync(frame);
            Assert.Null(await AnswerOrCloseAsync(client));
        }

        await AssertStillServesAsync(broker);
    }

    [Fact]
    public async Task GarbageAndTruncatedFrames_CloseTheConnection_AndTheBrokerSurvives()
    {
        await using var broker = await TestBroker.StartAsync();
        var random = new Random(1234);
        for (var i = 0; i < 50; i++)
        {
            using var client = await broker.ConnectRawAsync();
            var body = new byte[random.Next(1, 300)];
            random.NextBytes(body);
            // Keep a plausible header for half of them so decoding gets past the api key.
            if (i % 2 == 0 && body.Length >= 8)
            {
                BinaryPrimitives.WriteInt16BigEndian(body, (short)ApiKey.Produce);
                BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(2), 9);
            }

            var frame = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
            body.CopyTo(frame, 4);
            await client.WriteAsync(frame);
            // Either an answer (the bytes happened to decode) or a close: never a hang or a crash.
            await AnswerOrCloseAsync(client);
        }

        await AssertStillServesAsync(broker);
    }

    [Fact]
    public async Task ApiVersionsAboveTheMaximum_IsAnsweredAtV0WithUnsupportedVersion()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var header = new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 99, CorrelationId = 7, ClientId = "future" };
        using var writer = new KafkaWriter();
        var frame = writer.BeginFrame();
        header.Write(writer, headerVersion: 2);
        writer.WriteUnsignedVarInt(1); // an empty compact client software name, as a future version might send
        writer.EndFrame(frame);
        await client.WriteAsync(writer.WrittenMemory);

        var response = ResponseFrame.Read<ApiVersionsResponse>(await client.ReadFrameAsync(), version: 0, out var correlationId);
        Assert.Equal(7, correlationId);
        Assert.Equal(ErrorCode.UnsupportedVersion, response.ErrorCode);
        var range = Assert.Single(response.ApiKeys, k => k.ApiKey == (short)ApiKey.ApiVersions);
        Assert.Equal(3, range.MaxVersion);
    }

    [Fact]
    public async Task CorruptBatch_GetsCorruptMessage_AndNothingIsStored()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var batch = RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray());
        batch[^1] ^= 0xFF; // a flipped bit in the record: the CRC no longer matches

        var response = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("corrupt", batch), version: 9);
        Assert.Equal(ErrorCode.CorruptMessage, response.Responses[0].Partitions[0].ErrorCode);

        var good = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("corrupt", RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray())), version: 9);
        Assert.Equal(ErrorCode.None, good.Responses[0].Partitions[0].ErrorCode);
        Assert.Equal(0, good.Responses[0].Partitions[0].BaseOffset);
    }

    [Fact]
    public async Task InvalidTopicName_GetsInvalidTopicException()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var metadata = await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = "no spaces allowed" }] }, version: 12);
        Assert.Equal(ErrorCode.InvalidTopicException, metadata.Topics.Single().ErrorCode);

        var produce = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("bad/name", RecordBatches.Single([], [])), version: 7);
        Assert.Equal(ErrorCode.InvalidTopicException, produce.Responses[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task TheOffsetsTopicName_CannotBeTakenByAClientTopic()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var created = await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest { Topics = [new() { Name = "__consumer_offsets", NumPartitions = 1, ReplicationFactor = 1 }] }, version: 7);
        Assert.Equal(ErrorCode.TopicAlreadyExists, created.Topics.Single().ErrorCode);
    }

    [Fact]
    public async Task ClientsThatResetWhileResponsesAreInFlight_NeverHangAShard()
    {
        // A reset makes the pending receive and the next send fail in the same completion batch; the
        // connection must not dispose its socket while the receive is still in flight (that spun
        // the shard forever, waiting for a completion only it could reap).
        var broker = await TestBroker.StartAsync();
        using var writer = new KafkaWriter();
        for (var i = 0; i < 32; i++)
        {
            RequestFrame.Write(writer, new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 3, CorrelationId = i, ClientId = "reset" }, new ApiVersionsRequest());
        }

        var pipelined = writer.WrittenMemory.ToArray();
        for (var i = 0; i < 300; i++)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(broker.Server.ListenEndPoint);
            await socket.SendAsync(pipelined);
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with RST
        }

        // New connections land on every shard (the kernel spreads them over the shards' listeners).
        for (var i = 0; i < 8; i++)
        {
            await AssertStillServesAsync(broker);
        }

        await broker.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The broker's next response frame, or null once it closed the connection.</summary>
    [Fact]
    public async Task FetchMetadataImage_IsRefusedByANonVoter_AndATruncatedOneClosesTheConnection()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var client = await broker.ConnectRawAsync())
        {
            // FastLog's own API, served only by a metadata quorum voter: a single node answers, with an error.
            var answer = await client.SendAsync<FetchMetadataImageResponse>(new FetchMetadataImageRequest { MaxWaitMs = 0 }, version: 0);
            Assert.Equal(ErrorCode.InconsistentVoterSet, answer.ErrorCode);
            Assert.Empty(answer.Image);
        }

        using (var client = await broker.ConnectRawAsync())
        {
            using var writer = new KafkaWriter();
            RequestFrame.Write(writer, new RequestHeader { ApiKey = ApiKey.FetchMetadataImage, ApiVersion = 0, CorrelationId = 1 }, new FetchMetadataImageRequest());
            var frame = writer.WrittenSpan.ToArray()[..^5]; // the body without max_wait_ms' last bytes and its tags
            BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
            await client.WriteAsync(frame);
            Assert.Null(await AnswerOrCloseAsync(client));
        }

        await AssertStillServesAsync(broker);
    }

    private static async Task<byte[]?> AnswerOrCloseAsync(KafkaClientConnection client)
    {
        try
        {
            return await client.ReadFrameAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task AssertStillServesAsync(TestBroker broker)
    {
        using var client = await broker.ConnectRawAsync();
        var versions = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3);
        Assert.Equal(ErrorCode.None, versions.ErrorCode);
        Assert.Contains(versions.ApiKeys, k => k.ApiKey == (short)ApiKey.Produce);
    }
}
