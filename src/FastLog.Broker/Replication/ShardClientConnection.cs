using System.Buffers;
using System.Net;
using System.Net.Sockets;
using FastLog.Client;
using FastLog.Core;
using FastLog.Protocol;

namespace FastLog.Broker.Replication;

/// <summary>
/// A Kafka client connection that lives on one shard and does all its I/O on that shard's io_uring
/// (IORING_OP_CONNECT, SEND, RECV): the follower fetcher's link to its leader, with no thread-pool
/// hop between the socket and the partitions it feeds. One request at a time, framed by
/// FastLog.Client's <see cref="ClientFrames"/> (the framing <see cref="KafkaClientConnection"/> uses)
/// and numbered 1, 2, 3...; the options are the client's (<see cref="KafkaClientOptions"/>: client id,
/// connect and response timeouts, response size cap; its write timeout does not apply, a send counts
/// against the response's time).
/// <para>Memory: a request is encoded into one reused writer; a response is received into a 64 KiB
/// buffer, or into an array rented from <see cref="ArrayPool{T}.Shared"/> when it is larger, and only
/// after its size prefix passed the cap. A response (a fetch's records are slices of it) stays valid
/// until the next <see cref="SendAsync{TResponse}"/> or <see cref="Dispose"/>, which return the array.</para>
/// <para>Timeouts and stopping: the connect and every send and receive of a request carry an io_uring
/// linked timeout (the connect timeout; what is left of the response timeout), so a silent peer (a
/// paused process, a blackholed address) ends in a <see cref="TimeoutException"/>. Cancelling the
/// token given at construction shuts the socket down on the shard, which ends a pending connect or
/// receive at once; the call then throws <see cref="OperationCanceledException"/>.</para>
/// <para>Threads: every member runs on the owning shard's thread (the cancellation callback posts
/// there), so no field needs synchronization. The socket is disposed only by <see cref="Dispose"/>,
/// which the owner calls when no call is pending: disposing a handle an in-flight operation still
/// references would spin until only this shard could release it.</para>
/// After any failure the connection is out of step: dispose it.
/// </summary>
internal sealed class ShardClientConnection : IDisposable
{
    private const int ReceiveBufferSize = 64 << 10;

    private readonly KafkaClientOptions _options;
    private readonly Shard _shard;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenRegistration _stopRegistration;
    private readonly KafkaWriter _requestWriter = new();
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
    private Socket? _socket;
    private EndPoint? _remote;
    private byte[]? _rented;
    private int _correlationId;
    private bool _disposed;

    /// <summary>On the shard that will own it; nothing is connected yet (<see cref="ConnectAsync"/>).</summary>
    public ShardClientConnection(KafkaClientOptions options, CancellationToken stopping)
    {
        _options = options;
        _shard = Shard.Current ?? throw new InvalidOperationException("A ShardClientConnection is created on the shard that uses it.");
        _stopping = stopping;
        _stopRegistration = stopping.Register(static c => ((ShardClientConnection)c!).PostShutdown(), this);
    }

    /// <summary>
    /// Connects to the first of <paramref name="addresses"/> that accepts, trying them in turn within
    /// one connect timeout. A refused connection is an <see cref="IoRingException"/> (ECONNREFUSED),
    /// no answer in time a <see cref="TimeoutException"/>.
    /// </summary>
    public async ValueTask ConnectAsync(IReadOnlyList<IPAddress> addresses, int port)
    {
        if (_socket is not null || addresses.Count == 0)
        {
            throw new InvalidOperationException(_socket is null ? "No address to connect to." : "Already connected.");
        }

        var deadline = Environment.TickCount64 + (long)_options.ConnectTimeout.TotalMilliseconds;
        for (var i = 0; ; i++)
        {
            var remote = new IPEndPoint(addresses[i], port);
            var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _socket = socket;
            _remote = remote;
            try
            {
                _stopping.ThrowIfCancellationRequested();
                await _shard.Io.ConnectAsync(socket.SafeHandle, remote.Serialize(), Remaining(deadline));
                return;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                _socket = null;
                socket.Dispose(); // nothing is in flight on it any more
                if (i < addresses.Count - 1 && !_stopping.IsCancellationRequested)
                {
                    continue;
                }

                if (Replacement(e, $"no connection to {remote} within {_options.ConnectTimeout.TotalSeconds:0.###} s") is { } replacement)
                {
                    throw replacement;
                }

                throw;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> at <paramref name="version"/> with the next correlation id and
    /// returns the response to it, all within the response timeout. Fails with an <see cref="IOException"/>
    /// (<see cref="EndOfStreamException"/> when the peer closed, <see cref="ResponseSizeException"/>,
    /// <see cref="CorrelationIdMismatchException"/>, an <see cref="IoRingException"/>), a
    /// <see cref="ProtocolException"/>, a <see cref="TimeoutException"/> or, when stopped, an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async ValueTask<TResponse> SendAsync<TResponse>(KafkaMessage request, short version)
        where TResponse : KafkaMessage, new()
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected.");
        ReturnRented();
        var correlationId = ++_correlationId;
        _requestWriter.Reset();
        ClientFrames.WriteRequest(_requestWriter, request, version, correlationId, _options.ClientId);
        var deadline = Environment.TickCount64 + (long)_options.ResponseTimeout.TotalMilliseconds;
        try
        {
            _stopping.ThrowIfCancellationRequested();
            for (var sent = _requestWriter.WrittenMemory; !sent.IsEmpty;)
            {
                sent = sent[await _shard.Io.SendAsync(socket.SafeHandle, sent, Remaining(deadline))..];
            }

            return ClientFrames.DecodeResponse<TResponse>(await ReceiveFrameAsync(socket, deadline), version, correlationId);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException
            && Replacement(e, $"no response from {_remote} within {_options.ResponseTimeout.TotalSeconds:0.###} s") is { } replacement)
        {
            throw replacement;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopRegistration.Dispose();
        _socket?.Dispose();
        _socket = null;
        _requestWriter.Dispose();
        ReturnRented();
    }

    /// <summary>The next response frame without its size prefix: in <see cref="_buffer"/> when it fits, else in <see cref="_rented"/>.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReceiveFrameAsync(Socket socket, long deadline)
    {
        var received = 0;
        while (received < ClientFrames.SizePrefixLength)
        {
            received += await ReceiveAsync(socket, _buffer.AsMemory(received), deadline);
        }

        var size = ClientFrames.ResponseSize(_buffer, _options.MaxResponseBytes);
        var frameEnd = ClientFrames.SizePrefixLength + size;
        Memory<byte> frame;
        if (frameEnd <= _buffer.Length)
        {
            frame = _buffer.AsMemory(ClientFrames.SizePrefixLength, size);
        }
        else
        {
            _rented = ArrayPool<byte>.Shared.Rent(size);
            frame = _rented.AsMemory(0, size);
            _buffer.AsSpan(ClientFrames.SizePrefixLength, received - ClientFrames.SizePrefixLength).CopyTo(frame.Span);
        }

        // Only one request is ever in flight, so a well-behaved peer sends nothing past this frame.
        var filled = received - ClientFrames.SizePrefixLength;
        if (filled > size)
        {
            throw new IOException($"{_remote} sent {filled - size} bytes past the response to the only request in flight: out of step");
        }

        while (filled < size)
        {
            filled += await ReceiveAsync(socket, frame[filled..], deadline);
        }

        return frame;
    }

    private async ValueTask<int> ReceiveAsync(Socket socket, Memory<byte> into, long deadline)
    {
        var n = await _shard.Io.RecvAsync(socket.SafeHandle, into, Remaining(deadline));
        return n > 0 ? n : throw new EndOfStreamException($"{_remote} closed the connection");
    }

    /// <summary>Stopping (any thread): the shard shuts the socket down, which ends a pending connect or receive.</summary>
    private void PostShutdown()
    {
        try
        {
            _shard.Post(static c => ((ShardClientConnection)c!).Shutdown(), this);
        }
        catch (ObjectDisposedException)
        {
            // The shard has stopped: nothing is pending on its ring any more.
        }
    }

    private void Shutdown()
    {
        if (_disposed || _socket is null)
        {
            return; // between connections: the next call sees the token
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected (yet, or any more): nothing pending to wake.
        }
    }

    /// <summary>
    /// What a failed call throws instead of <paramref name="failure"/>: cancellation once stopped (the
    /// shutdown made the pending operation fail), a <see cref="TimeoutException"/> saying
    /// <paramref name="timedOut"/> for a linked timeout that fired; null to let the failure through.
    /// </summary>
    private Exception? Replacement(Exception failure, string timedOut) => failure switch
    {
        OperationCanceledException => null,
        _ when _stopping.IsCancellationRequested => new OperationCanceledException("stopped", failure, _stopping),
        IoRingException { Errno: Errno.ETIMEDOUT } => new TimeoutException(timedOut, failure),
        _ => null,
    };

    private void ReturnRented()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }

    /// <summary>What is left until <paramref name="deadline"/> (Environment.TickCount64), at least zero: a zero timeout fires at once.</summary>
    private static TimeSpan Remaining(long deadline) => TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));
}
