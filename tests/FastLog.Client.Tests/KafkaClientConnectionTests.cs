using System.Net;
using System.Net.Sockets;
using FastLog.Protocol;

namespace FastLog.Client.Tests;

/// <summary>The connection against a fake broker: framing and numbering, and every way a response can go wrong.</summary>
public sealed class KafkaClientConnectionTests
{
    private static readonly KafkaClientOptions Options = new() { ClientId = "client-tests", ResponseTimeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task SendAsync_NumbersRequestsFromOne_AndDecodesTheirResponses()
    {
        await using var broker = new FakeBroker(FakeBroker.ApiVersions(throttleTimeMs: 42));
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options);

        var first = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3);
        var second = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 2);

        Assert.Equal((42, 42), (first.ThrottleTimeMs, second.ThrottleTimeMs));
        Assert.Equal(
            [(ApiKey.ApiVersions, (short)3, 1, "client-tests"), (ApiKey.ApiVersions, (short)2, 2, "client-tests")],
            broker.Requests.Select(r => (r.ApiKey, r.ApiVersion, r.CorrelationId, r.ClientId)));
    }

    [Fact]
    public async Task AResponseToAnotherRequest_IsACorrelationIdMismatch()
    {
        await using var broker = new FakeBroker((request, stream) =>
            stream.WriteAsync(FakeBroker.Frame(new RequestHeader { ApiKey = request.ApiKey, ApiVersion = request.ApiVersion, CorrelationId = 99 }, new ApiVersionsResponse())).AsTask());
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options);

        var e = await Assert.ThrowsAsync<CorrelationIdMismatchException>(() => client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3));

        Assert.Equal((1, 99), (e.Expected, e.Answered));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1024 + 1)]
    [InlineData(int.MaxValue)]
    public async Task ASizeNoResponseHas_IsRefusedBeforeAnythingIsAllocated(int size)
    {
        await using var broker = new FakeBroker(FakeBroker.SizePrefix(size));
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options with { MaxResponseBytes = 1024 });

        var e = await Assert.ThrowsAsync<ResponseSizeException>(() => client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3));

        Assert.Equal(size, e.Size);
    }

    [Fact]
    public async Task AConnectionClosedInsideAResponse_IsEndOfStream()
    {
        await using var broker = new FakeBroker(async (request, stream) =>
        {
            var frame = FakeBroker.Frame(request, new ApiVersionsResponse());
            await stream.WriteAsync(frame.AsMemory(0, frame.Length - 1));
            stream.Close();
        });
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options);

        await Assert.ThrowsAsync<EndOfStreamException>(() => client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3));
    }

    [Fact]
    public async Task ABrokerThatNeverAnswers_TimesOut()
    {
        await using var broker = new FakeBroker((_, _) => Task.CompletedTask);
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options with { ResponseTimeout = TimeSpan.FromMilliseconds(200) });

        await Assert.ThrowsAsync<TimeoutException>(() => client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3));
        await Assert.ThrowsAsync<TimeoutException>(() => client.ReadFrameAsync());
    }

    [Fact]
    public async Task TheCallersCancellation_IsNotATimeout()
    {
        await using var broker = new FakeBroker((_, _) => Task.CompletedTask);
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), version: 3, cancel.Token));
    }

    [Fact]
    public async Task NothingListening_IsASocketException()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endPoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();

        await Assert.ThrowsAsync<SocketException>(() => KafkaClientConnection.ConnectAsync(endPoint, Options));
        Assert.Throws<SocketException>(() => KafkaClientConnection.Connect(new DnsEndPoint("localhost", endPoint.Port), Options));
    }

    [Fact]
    public async Task Pipelined_RequestsGoOutBackToBack_AndTheirResponsesAreReadInOrder()
    {
        await using var broker = new FakeBroker(FakeBroker.ApiVersions(throttleTimeMs: 7));
        using var client = KafkaClientConnection.Connect(broker.EndPoint, Options);
        var encoded = client.EncodeRequest(new ApiVersionsRequest(), version: 3);

        for (var id = 10; id < 13; id++)
        {
            KafkaClientConnection.SetCorrelationId(encoded, id);
            client.Write(encoded);
        }

        client.WriteRequest(new ApiVersionsRequest(), version: 1, correlationId: 13);
        for (var id = 10; id < 13; id++)
        {
            Assert.Equal(7, client.ReadResponse<ApiVersionsResponse>(version: 3, id).ThrottleTimeMs);
        }

        Assert.Equal(7, client.ReadResponse<ApiVersionsResponse>(version: 1, correlationId: 13).ThrottleTimeMs);
        Assert.Equal([10, 11, 12, 13], broker.Requests.Select(r => r.CorrelationId));
        Assert.Throws<CorrelationIdMismatchException>(() =>
        {
            client.WriteRequest(new ApiVersionsRequest(), version: 3, correlationId: 14);
            return client.ReadResponse<ApiVersionsResponse>(version: 3, correlationId: 15);
        });
    }

    [Fact]
    public async Task Pipelined_ABrokerThatNeverAnswers_FailsTheBlockingReadAfterTheTimeout()
    {
        await using var broker = new FakeBroker((_, _) => Task.CompletedTask);
        using var client = KafkaClientConnection.Connect(broker.EndPoint, Options with { ResponseTimeout = TimeSpan.FromMilliseconds(200) });
        client.WriteRequest(new ApiVersionsRequest(), version: 3, correlationId: 0);

        Assert.ThrowsAny<IOException>(() => client.ReadFrame());
    }

    [Fact]
    public async Task RawBytes_GoOutAsTheyAre_AndFramesComeBackWhole()
    {
        await using var broker = new FakeBroker(FakeBroker.ApiVersions());
        using var client = await KafkaClientConnection.ConnectAsync(broker.EndPoint, Options);
        var request = client.EncodeRequest(new ApiVersionsRequest(), version: 0);
        KafkaClientConnection.SetCorrelationId(request, 5);

        // Split mid-header: the broker reads a frame, not a write.
        await client.WriteAsync(request.AsMemory(0, 6));
        await client.WriteAsync(request.AsMemory(6));
        var frame = await client.ReadFrameAsync();

        ResponseFrame.Read<ApiVersionsResponse>(frame, version: 0, out var correlationId);
        Assert.Equal(5, correlationId);
    }
}
