using System.Net;
using System.Net.Sockets;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>
/// A bare TCP connection to the broker, optionally from a chosen local address (any 127.x.y.z
/// works on Linux loopback), for tests of what the broker does with connections as such: whether
/// it serves them or closes them.
/// </summary>
internal sealed class RawSocket : IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private RawSocket()
    {
    }

    public static async Task<RawSocket> ConnectAsync(IPEndPoint broker, IPAddress? from = null)
    {
        var raw = new RawSocket();
        try
        {
            if (from is not null)
            {
                raw._socket.Bind(new IPEndPoint(from, 0));
            }

            await raw._socket.ConnectAsync(broker);
            return raw;
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    /// <summary>Sends raw bytes (a frame, or part of one).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes);

    /// <summary>True when an ApiVersions v0 request is answered; false when the broker closed the connection instead.</summary>
    public async Task<bool> IsServedAsync()
    {
        using var writer = new KafkaWriter();
        var frame = writer.BeginFrame();
        new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 0, CorrelationId = 1, ClientId = "raw-socket" }.Write(writer, headerVersion: 1);
        writer.EndFrame(frame);
        try
        {
            await _socket.SendAsync(writer.WrittenMemory);
            return await ReadSomeAsync() > 0;
        }
        catch (SocketException)
        {
            return false; // reset by the broker
        }
    }

    /// <summary>Waits (bounded) for the broker to close the connection; true when it did.</summary>
    public async Task<bool> ClosedByBrokerAsync()
    {
        try
        {
            return await ReadSomeAsync() == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<int> ReadSomeAsync()
    {
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        return await _socket.ReceiveAsync(new byte[4096], SocketFlags.None, timeout.Token);
    }
}
