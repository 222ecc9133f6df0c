using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FastLog.Protocol;

namespace FastLog.LoadTests.Wire;

/// <summary>
/// One blocking TCP connection to the broker speaking Kafka frames (4-byte big-endian size, then
/// the frame). Threads: one thread sends (<see cref="Send"/>, <see cref="SendRequest"/>) and one receives
/// (<see cref="ReceiveFrame"/>); they may be the same thread. The receive buffer is reused: a
/// returned frame is valid until the next <see cref="ReceiveFrame"/>.
/// </summary>
internal sealed class WireConnection : IDisposable
{
    /// <summary>A response bigger than this is a protocol error, not something to allocate for.</summary>
    private const int MaxFrameBytes = 256 << 20;

    private const string ClientId = "fastlog-loadtests-wire";

    private const int IoTimeoutMs = 30_000;

    /// <summary>The correlation id sits after the frame size (4), api key (2) and api version (2).</summary>
    private const int CorrelationIdOffset = 8;

    private readonly Socket _socket;

    /// <summary>Encodes <see cref="SendRequest"/>'s requests; the sending thread's only (its pooled buffer goes with the connection to the GC: disposing it could race a send).</summary>
    private readonly KafkaWriter _requestWriter = new(64 << 10);
    private readonly byte[] _size = new byte[4];
    private byte[] _frame = new byte[64 << 10];

    private WireConnection(Socket socket) => _socket = socket;

    /// <summary>
    /// Connects to the first broker of a bootstrap list, trying each of its addresses (FastLog
    /// serves every partition from the node it lives on). Sends time out after 30 s; receives too
    /// when <paramref name="receiveTimesOut"/> (a consumer always has a fetch outstanding; a
    /// producer's receiver may wait for as long as nothing is in flight).
    /// </summary>
    public static WireConnection Connect(string bootstrapServers, bool receiveTimesOut)
    {
        var first = bootstrapServers.Split(',')[0].Trim();
        int colon = first.LastIndexOf(':');
        var host = first[..colon];
        var port = int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        SocketException? failure = null;
        foreach (var address in IPAddress.TryParse(host, out var parsed) ? [parsed] : Dns.GetHostAddresses(host))
        {
            // Timeouts: a broker that stalls without closing the connection fails the worker
            // (counted as an error) instead of hanging the tool; longer than any fetch long-poll.
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = receiveTimesOut ? IoTimeoutMs : 0, SendTimeout = IoTimeoutMs };
            try
            {
                socket.Connect(new IPEndPoint(address, port));
                return new WireConnection(socket);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = e;
            }
        }

        throw failure ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>A whole request frame (size prefix included) for <paramref name="body"/>, with correlation id 0 (see <see cref="SetCorrelationId"/>).</summary>
    public static byte[] EncodeRequest(KafkaMessage body, short version)
    {
        using var writer = new KafkaWriter();
        RequestFrame.Write(writer, new RequestHeader { ApiKey = body.ApiKey, ApiVersion = version, CorrelationId = 0, ClientId = ClientId }, body);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Stamps the correlation id into a frame made by <see cref="EncodeRequest"/>, so one encoded request can be sent again and again.</summary>
    public static void SetCorrelationId(Span<byte> frame, int correlationId) =>
        BinaryPrimitives.WriteInt32BigEndian(frame[CorrelationIdOffset..], correlationId);

    /// <summary>Encodes <paramref name="body"/> into a reused buffer and sends it.</summary>
    public void SendRequest(KafkaMessage body, short version, int correlationId)
    {
        _requestWriter.Reset();
        RequestFrame.Write(_requestWriter, new RequestHeader { ApiKey = body.ApiKey, ApiVersion = version, CorrelationId = correlationId, ClientId = ClientId }, body);
        Send(_requestWriter.WrittenSpan);
    }

    public void Send(ReadOnlySpan<byte> frame)
    {
        while (!frame.IsEmpty)
        {
            frame = frame[_socket.Send(frame)..];
        }
    }

    /// <summary>The next response frame without its size prefix; throws <see cref="IOException"/> when the broker closed the connection.</summary>
    public ReadOnlyMemory<byte> ReceiveFrame()
    {
        ReceiveExactly(_size);
        int size = BinaryPrimitives.ReadInt32BigEndian(_size);
        if (size is < 0 or > MaxFrameBytes)
        {
            throw new IOException($"response frame of {size} bytes: not a Kafka response");
        }

        if (_frame.Length < size)
        {
            _frame = new byte[Math.Max(size, _frame.Length * 2)];
        }

        ReceiveExactly(_frame.AsSpan(0, size));
        return _frame.AsMemory(0, size);
    }

    /// <summary>Reads the response to a request sent at <paramref name="version"/> and checks it answers <paramref name="correlationId"/> (Kafka answers in order).</summary>
    public T Receive<T>(short version, int correlationId)
        where T : KafkaMessage, new()
    {
        var response = ResponseFrame.Read<T>(ReceiveFrame(), version, out int answered);
        return answered == correlationId
            ? response
            : throw new IOException($"response to correlation id {answered} where {correlationId} was next");
    }

    private void ReceiveExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int read = _socket.Receive(buffer);
            if (read == 0)
            {
                throw new IOException("the broker closed the connection");
            }

            buffer = buffer[read..];
        }
    }

    public void Dispose() => _socket.Dispose();
}
