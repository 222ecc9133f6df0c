using System.Net;
using System.Net.Sockets;
using FastLog.Protocol;

namespace FastLog.Client;

/// <summary>
/// One TCP connection to a Kafka broker speaking FastLog's codec: request frames (size, header
/// with this client's id and a correlation id, body at a version the caller picks; no ApiVersions
/// negotiation), size-prefixed responses read under a size cap and checked against the correlation
/// id they answer (Kafka answers a connection's requests in order). Two ways to use it:
/// <list type="bullet">
/// <item>One request at a time, async (<see cref="SendAsync{TResponse}"/>): the connection numbers
/// the requests 1, 2, 3... and every response gets its own buffer. The CLI and the tests.</item>
/// <item>Pipelined, blocking (<see cref="Connect"/> and this type's <c>.Pipelined</c> part): the caller numbers the requests,
/// one thread writes and another may read at the same time, and a response is read into a reused
/// buffer. The load generator, which keeps a window of requests in flight.</item>
/// </list>
/// The raw pieces (<see cref="WriteAsync"/>, <see cref="ReadFrameAsync"/>) are for tests that send
/// what no client would. Threads: at most one writer and one reader at a
/// time (<see cref="SendAsync{TResponse}"/> is both); do not mix the two numberings on one connection.
/// After any failure the connection may be out of step: dispose it.
/// </summary>
public sealed partial class KafkaClientConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly KafkaClientOptions _options;

    /// <summary>The writing thread's encoder (its pooled buffer goes to the GC with the connection: disposing it could race a write).</summary>
    private readonly KafkaWriter _requestWriter = new(64 << 10);

    /// <summary>The reading thread's size prefix.</summary>
    private readonly byte[] _size = new byte[ClientFrames.SizePrefixLength];

    /// <summary>The last correlation id <see cref="SendAsync{TResponse}"/> used.</summary>
    private int _correlationId;

    private KafkaClientConnection(Socket socket, KafkaClientOptions options)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _options = options;
    }

    /// <summary>The broker's address as connected (for messages).</summary>
    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>
    /// Connects to <paramref name="broker"/> (an <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/>
    /// whose addresses are tried in turn). Fails with a <see cref="SocketException"/> when refused or
    /// unresolvable, with a <see cref="TimeoutException"/> after <see cref="KafkaClientOptions.ConnectTimeout"/>.
    /// </summary>
    public static async Task<KafkaClientConnection> ConnectAsync(EndPoint broker, KafkaClientOptions options, CancellationToken cancel = default)
    {
        var socket = NewSocket(options);
        try
        {
            using var timeout = Deadline(options.ConnectTimeout, cancel);
            await socket.ConnectAsync(broker, timeout.Token).ConfigureAwait(false);
            return new KafkaClientConnection(socket, options);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no connection to {broker} within {options.ConnectTimeout.TotalSeconds:0.###} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> at <paramref name="version"/> with the next correlation id
    /// and returns the broker's response to it, all within <see cref="KafkaClientOptions.ResponseTimeout"/>.
    /// Fails with an <see cref="IOException"/> (<see cref="EndOfStreamException"/> when the broker
    /// closed the connection, <see cref="ResponseSizeException"/>, <see cref="CorrelationIdMismatchException"/>),
    /// a <see cref="ProtocolException"/> for a response that does not decode at that version, or a
    /// <see cref="TimeoutException"/>.
    /// </summary>
    public async Task<TResponse> SendAsync<TResponse>(KafkaMessage request, short version, CancellationToken cancel = default)
        where TResponse : KafkaMessage, new()
    {
        var correlationId = ++_correlationId;
        using var timeout = Deadline(_options.ResponseTimeout, cancel);
        try
        {
            EncodeIntoWriter(request, version, correlationId);
            await _stream.WriteAsync(_requestWriter.WrittenMemory, timeout.Token).ConfigureAwait(false);
            return ClientFrames.DecodeResponse<TResponse>(await ReadOwnedFrameAsync(timeout.Token).ConfigureAwait(false), version, correlationId);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw NoResponse();
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as they are: a whole frame, several, or garbage.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel = default) => _stream.WriteAsync(bytes, cancel);

    /// <summary>
    /// The next response frame without its size prefix, in an array of its own, within
    /// <see cref="KafkaClientOptions.ResponseTimeout"/>. <see cref="EndOfStreamException"/> when the
    /// broker closed the connection (before or inside the frame).
    /// </summary>
    public async Task<byte[]> ReadFrameAsync(CancellationToken cancel = default)
    {
        using var timeout = Deadline(_options.ResponseTimeout, cancel);
        try
        {
            return await ReadOwnedFrameAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw NoResponse();
        }
    }

    public void Dispose() => _stream.Dispose();

    private async Task<byte[]> ReadOwnedFrameAsync(CancellationToken cancel)
    {
        await _stream.ReadExactlyAsync(_size, cancel).ConfigureAwait(false);
        var frame = new byte[FrameSize()];
        await _stream.ReadExactlyAsync(frame, cancel).ConfigureAwait(false);
        return frame;
    }

    /// <summary>The size prefix just read into <see cref="_size"/>, checked.</summary>
    private int FrameSize() => ClientFrames.ResponseSize(_size, _options.MaxResponseBytes);

    /// <summary>Encodes a whole request frame into the writing thread's reused writer.</summary>
    private void EncodeIntoWriter(KafkaMessage request, short version, int correlationId)
    {
        _requestWriter.Reset();
        WriteFrame(_requestWriter, request, version, correlationId);
    }

    private void WriteFrame(KafkaWriter writer, KafkaMessage request, short version, int correlationId) =>
        ClientFrames.WriteRequest(writer, request, version, correlationId, _options.ClientId);

    private TimeoutException NoResponse() =>
        new($"no response from {RemoteEndPoint} within {_options.ResponseTimeout.TotalSeconds:0.###} s");

    private static Socket NewSocket(KafkaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Dual-mode (IPv6 with IPv4-mapped addresses) where the OS has IPv6, so a host name may resolve to either.
        return new Socket(SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            // Blocking calls only; the async ones run under cancellation tokens.
            ReceiveTimeout = SocketTimeout(options.ResponseTimeout),
            SendTimeout = SocketTimeout(options.WriteTimeout),
        };
    }

    /// <summary><paramref name="cancel"/>, or <paramref name="timeout"/> elapsing (<see cref="Timeout.InfiniteTimeSpan"/>: never).</summary>
    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    /// <summary>A socket option's milliseconds: 0 is "no timeout".</summary>
    private static int SocketTimeout(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan ? 0 : (int)timeout.TotalMilliseconds;
}
