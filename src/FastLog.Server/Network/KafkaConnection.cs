using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using FastLog.Server.Metrics;
using FastLog.Core;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Network;

/// <summary>
/// One client connection, owned by the shard that accepted it: every method runs on that shard's
/// thread, so no field needs synchronization.
///
/// Reading: frames are a 4-byte big-endian size and that many bytes. Small frames are received in
/// bulk into a 64 KiB buffer and copied out; a frame larger than what is buffered is received
/// straight into its own pooled array. A size below zero or above the configured maximum closes
/// the connection before anything is allocated.
///
/// Pipelining: each request is dispatched as soon as it is read (so a slow Fetch long-poll does not
/// stop the next requests from starting), and responses go out strictly in request order, as the
/// Kafka protocol requires. At most <see cref="MaxInFlightRequests"/> requests are outstanding: past
/// that, reading pauses until responses drain, which bounds the memory one client can pin.
///
/// Timeouts: the shard's sweep (<see cref="ShardConnections"/>) asks <see cref="IsExpired"/>: idle
/// means no request in flight and no bytes either way for connections.max.idle.ms (Kafka's rule);
/// a request whose first byte arrived more than fastlog.request.read.timeout.ms ago and is still
/// incomplete closes the connection too (a client trickling bytes). Both clocks are kept here,
/// on the shard, as plain fields.
///
/// Closing: shutdown(2) first, which completes a receive pending in io_uring; the socket is
/// disposed only once neither the receive loop nor the send loop can have an operation in flight
/// on it. Disposing a socket handle that an in-flight operation still references spins until the
/// reference is dropped, and only this shard can reap that operation: a send failure while a
/// receive was pending once hung the shard that way.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The socket is released when the connection is closed and no receive or send is in flight (ReleaseWhenIdle); Abort starts that from outside.")]
internal sealed class KafkaConnection
{
    private const int ReceiveBufferSize = 64 * 1024;
    private const int MaxInFlightRequests = 32;
    private const int MaxReasonLength = 512;

    private readonly Socket _socket;
    private readonly IRequestDispatcher _dispatcher;
    private readonly ShardConnections _shard;
    private readonly ShardMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _maxRequestBytes;
    private readonly ConnectionContext _context;
    private readonly ResponseSender _sender;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
    private readonly Queue<PendingResponse> _pending = new();
    private int _bufferStart;
    private int _bufferEnd;
    private bool _sending;
    private bool _receiving;
    private bool _closed;
    private bool _released;
    private TaskCompletionSource? _drained;

    // Environment.TickCount64 of the last byte received or response sent (connections.max.idle.ms),
    // and of the first byte of a request not yet complete, 0 when none is (fastlog.request.read.timeout.ms).
    private long _lastActivityMs = Environment.TickCount64;
    private long _requestStartedMs;

    public KafkaConnection(Socket socket, ConnectionContext context, IRequestDispatcher dispatcher, ShardConnections shard)
    {
        _socket = socket;
        _context = context;
        _dispatcher = dispatcher;
        _shard = shard;
        _metrics = shard.Metrics;
        _logger = shard.Logger;
        _maxRequestBytes = shard.Settings.MaxRequestBytes;
        _sender = new ResponseSender(socket.SafeHandle, shard.Metrics, shard.Pipes);
    }

    /// <summary>A dispatched request: its response (in flight) and the frame buffer it reads from.</summary>
    private readonly record struct PendingResponse(ValueTask<OutgoingResponse?> Response, byte[] Frame);

    /// <summary>Serves the connection until the client closes it, it misbehaves, or the broker stops.</summary>
    public async ValueTask RunAsync()
    {
        _metrics.ConnectionAccepted();
        _receiving = true;
        try
        {
            while (!_closed)
            {
                var frame = await ReadFrameAsync();
                if (frame is null)
                {
                    break;
                }

                _metrics.AddBytesIn(frame.Value.Length + 4);
                ValueTask<OutgoingResponse?> response;
                try
                {
                    response = _dispatcher.DispatchAsync(_context, frame.Value.Memory);
                }
                catch (MalformedRequestException e)
                {
                    ArrayPool<byte>.Shared.Return(frame.Value.Array);
                    Reject(e.Message);
                    break;
                }

                _pending.Enqueue(new PendingResponse(response, frame.Value.Array));
                if (!_sending)
                {
                    _sending = true;
                    _ = SendLoopAsync();
                }

                if (_pending.Count >= MaxInFlightRequests)
                {
                    _drained = new TaskCompletionSource();
                    await _drained.Task;

                    // Reading paused on the broker's account: a request begun meanwhile starts its clock now.
                    _requestStartedMs = _requestStartedMs == 0 ? 0 : Environment.TickCount64;
                }
            }
        }
        catch (IoRingException e)
        {
            _logger.LogDebug("{Connection}: receive failed: {Error}", _context, e.Message);
        }

        Close();
        _receiving = false;
        ReleaseWhenIdle();
    }

    /// <summary>A request frame in a pooled array (the array may be longer than the frame).</summary>
    private readonly record struct Frame(byte[] Array, int Length)
    {
        public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);
    }

    /// <summary>Reads the next frame; null when the client closed cleanly (or broke the framing rules).</summary>
    private async ValueTask<Frame?> ReadFrameAsync()
    {
        if (!await FillAsync(4))
        {
            return null;
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_bufferStart));
        if (size < 0 || size > _maxRequestBytes)
        {
            Reject($"request size {size} is outside 0..{_maxRequestBytes} (socket.request.max.bytes)");
            return null;
        }

        _bufferStart += 4;
        var frame = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var buffered = Math.Min(size, _bufferEnd - _bufferStart);
        _buffer.AsSpan(_bufferStart, buffered).CopyTo(frame);
        _bufferStart += buffered;
        var io = Shard.Current!.Io;
        for (var filled = buffered; filled < size;)
        {
            var n = await io.RecvAsync(_socket.SafeHandle, frame.AsMemory(filled, size - filled));
            if (n == 0)
            {
                ArrayPool<byte>.Shared.Return(frame);
                _logger.LogDebug("{Connection}: closed in the middle of a {Size}-byte request", _context, size);
                return null;
            }

            filled += n;
            Received();
        }

        // The next request has begun if any of its bytes came with this one.
        _requestStartedMs = _bufferEnd > _bufferStart ? Environment.TickCount64 : 0;
        return new Frame(frame, size);
    }

    /// <summary>Ensures at least <paramref name="count"/> unread bytes are buffered; false at a clean end of stream.</summary>
    private async ValueTask<bool> FillAsync(int count)
    {
        if (_bufferEnd - _bufferStart >= count)
        {
            return true;
        }

        // Compact: move the unread tail to the front so the rest of the buffer is free to receive into.
        _buffer.AsSpan(_bufferStart, _bufferEnd - _bufferStart).CopyTo(_buffer);
        _bufferEnd -= _bufferStart;
        _bufferStart = 0;
        var io = Shard.Current!.Io;
        while (_bufferEnd < count)
        {
            var n = await io.RecvAsync(_socket.SafeHandle, _buffer.AsMemory(_bufferEnd));
            if (n == 0)
            {
                if (_bufferEnd > 0)
                {
                    _logger.LogDebug("{Connection}: closed with {Bytes} bytes of a partial frame", _context, _bufferEnd);
                }

                return false;
            }

            _bufferEnd += n;
            Received();
        }

        return true;
    }

    private async Task SendLoopAsync()
    {
        while (_pending.TryPeek(out var next))
        {
            OutgoingResponse? response = null;
            try
            {
                response = await next.Response;
                if (response is not null && !_closed)
                {
                    await response.SendAsync(_sender);
                }
            }
            catch (MalformedRequestException e)
            {
                Reject(e.Message);
            }
            catch (Exception e) when (e is IoRingException or IOException)
            {
                _logger.LogDebug("{Connection}: send failed: {Error}", _context, e.Message);
                Close();
            }
            catch (Exception e)
            {
                // A handler bug must cost this connection, never the shard or the broker.
                _logger.LogError(e, "{Connection}: request handler failed; closing the connection", _context);
                Close();
            }
            finally
            {
                response?.Dispose();
                _pending.Dequeue();
                _lastActivityMs = Environment.TickCount64;
                ArrayPool<byte>.Shared.Return(next.Frame);
            }

            if (_drained is not null && _pending.Count < MaxInFlightRequests / 2)
            {
                var drained = _drained;
                _drained = null;
                drained.SetResult();
            }
        }

        _sending = false;
        ReleaseWhenIdle();
    }

    /// <summary>Closes the connection from the broker's side (shutdown); responses not yet sent are dropped.</summary>
    public void Abort() => Close();

    /// <summary>
    /// Idle past connections.max.idle.ms (nothing in flight, no bytes either way: Kafka's idle), or a
    /// request begun longer than fastlog.request.read.timeout.ms ago and still not complete.
    /// </summary>
    public bool IsExpired(long nowMs) => !_closed && (IsIdle(nowMs) || IsRequestOverdue(nowMs));

    /// <summary>Closes a connection <see cref="IsExpired"/> found, saying why.</summary>
    public void CloseExpired(long nowMs)
    {
        if (IsRequestOverdue(nowMs))
        {
            _metrics.RequestReadTimedOut();
            if (_shard.TimeoutWarnings.TryAcquire(out var heldBack))
            {
                _logger.LogWarning(
                    "{Connection}: closing: a request has been arriving for {Ms} ms, longer than fastlog.request.read.timeout.ms ({Timeout} ms){HeldBack}",
                    _context, nowMs - _requestStartedMs, _shard.Settings.RequestReadTimeoutMs, _shard.TimeoutWarnings.Suffix(heldBack));
            }
        }
        else if (IsIdle(nowMs))
        {
            _metrics.IdleConnectionClosed();
            _logger.LogDebug("{Connection}: closing: idle for more than connections.max.idle.ms ({Timeout} ms)", _context, _shard.Settings.IdleTimeoutMs);
        }
        else
        {
            return;
        }

        Close();
    }

    private bool IsIdle(long nowMs) =>
        _pending.Count == 0 && _requestStartedMs == 0 && nowMs - _lastActivityMs > _shard.Settings.IdleTimeoutMs;

    // Not while reading is paused for back-pressure: then the wait is the broker's.
    private bool IsRequestOverdue(long nowMs) =>
        _requestStartedMs != 0 && _drained is null && nowMs - _requestStartedMs > _shard.Settings.RequestReadTimeoutMs;

    private void Received()
    {
        _lastActivityMs = Environment.TickCount64;
        if (_requestStartedMs == 0)
        {
            _requestStartedMs = _lastActivityMs;
        }
    }

    private void Reject(string reason)
    {
        _metrics.MalformedRequest();
        if (_shard.MalformedWarnings.TryAcquire(out var heldBack))
        {
            // The reason may quote what the client sent (names, client.id): escaped and capped.
            _logger.LogWarning("{Connection}: closing: {Reason}{HeldBack}", _context, LogText.Sanitize(reason, MaxReasonLength), _shard.MalformedWarnings.Suffix(heldBack));
        }

        Close();
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            // Wakes a receive pending in io_uring; the socket itself is released once no send uses it.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }

        _drained?.TrySetResult();
        ReleaseWhenIdle();
    }

    /// <summary>Disposes the socket once the connection is closed and no receive or send can be in flight on it.</summary>
    private void ReleaseWhenIdle()
    {
        if (!_closed || _sending || _receiving || _released)
        {
            return;
        }

        _released = true;
        _socket.Dispose();
        _metrics.ConnectionClosed();
    }
}
