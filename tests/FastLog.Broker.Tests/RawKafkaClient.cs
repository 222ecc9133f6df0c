using System.Buffers.Binary;
using System.Net.Sockets;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>A bare TCP client speaking FastLog's own codec, for requests no real client would send.</summary>
internal sealed class RawKafkaClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _tcp = new();
    private int _correlationId;

    private RawKafkaClient()
    {
    }

    public NetworkStream Stream => _tcp.GetStream();

    public static async Task<RawKafkaClient> ConnectAsync(TestBroker broker)
    {
        var client = new RawKafkaClient();
        await client._tcp.ConnectAsync(broker.Server.ListenEndPoint);
        return client;
    }

    public async Task<TResponse> SendAsync<TResponse>(KafkaMessage request, short version)
        where TResponse : KafkaMessage, new()
    {
        var header = new RequestHeader { ApiKey = request.ApiKey, ApiVersion = version, CorrelationId = ++_correlationId, ClientId = "raw-test" };
        using var writer = new KafkaWriter();
        RequestFrame.Write(writer, header, request);
        await Stream.WriteAsync(writer.WrittenMemory);
        var frame = await ReadFrameAsync() ?? throw new IOException("The broker closed the connection.");
        var response = ResponseFrame.Read<TResponse>(frame, version, out var correlationId);
        Assert.Equal(header.CorrelationId, correlationId);
        return response;
    }

    public async Task WriteRawAsync(byte[] bytes) => await Stream.WriteAsync(bytes);

    /// <summary>The next response frame (without its size), or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync()
    {
        var size = new byte[4];
        if (!await ReadExactlyOrEndAsync(size))
        {
            return null;
        }

        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        return await ReadExactlyOrEndAsync(frame) ? frame : null;
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer)
    {
        try
        {
            await Stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    public void Dispose() => _tcp.Dispose();
}
