using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FastLog.Protocol;

namespace FastLog.Client.Tests;

/// <summary>
/// A TCP listener on 127.0.0.1 that takes one connection and, for every request frame it reads,
/// lets the test answer on the raw stream: a well-framed response, a wrong one, half of one, or
/// nothing. The headers it read are kept in order. One accepting and reading task; the test
/// reads <see cref="Requests"/> once its calls returned (each answer is written after its request was recorded).
/// </summary>
internal sealed class FakeBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RequestHeader, Stream, Task> _answer;
    private readonly Task _serving;
    private readonly List<RequestHeader> _requests = [];

    /// <param name="answer">Writes the answer to a request (given its header) on the connection's stream.</param>
    public FakeBroker(Func<RequestHeader, Stream, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        _serving = ServeAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public IReadOnlyList<RequestHeader> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A whole response frame to <paramref name="request"/> (size prefix included).</summary>
    public static byte[] Frame(RequestHeader request, KafkaMessage response)
    {
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, request, response);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Answers every request with an ApiVersions response that has <paramref name="throttleTimeMs"/>.</summary>
    public static Func<RequestHeader, Stream, Task> ApiVersions(int throttleTimeMs = 0) =>
        (request, stream) => stream.WriteAsync(Frame(request, new ApiVersionsResponse { ThrottleTimeMs = throttleTimeMs })).AsTask();

    /// <summary>Answers every request with a bare size prefix.</summary>
    public static Func<RequestHeader, Stream, Task> SizePrefix(int size) => (_, stream) =>
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, size);
        return stream.WriteAsync(prefix).AsTask();
    };

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client went first, or the listener stopped before anyone connected.
        }
    }

    private async Task ServeAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var size = new byte[4];
        while (true)
        {
            try
            {
                await stream.ReadExactlyAsync(size);
            }
            catch (EndOfStreamException)
            {
                return;
            }

            var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
            await stream.ReadExactlyAsync(frame);
            var header = RequestFrame.Decode(frame).Header;
            lock (_requests)
            {
                _requests.Add(header);
            }

            await _answer(header, stream);
        }
    }
}
