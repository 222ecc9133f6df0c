using System.Buffers;
using System.Runtime.InteropServices;
using FastLog.Server.Metrics;
using FastLog.Core;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Server.Network;

/// <summary>
/// Writes responses to one connection's socket through the owning shard's io_uring.
/// Record bytes that live in segment files go out zero-copy: splice(file -> pipe) then
/// splice(pipe -> socket), both as io_uring operations, so the shard never blocks on the disk or
/// on a full socket buffer (a plain sendfile(2) would block the shard on a blocking socket, and
/// io_uring needs blocking sockets to arm its own poll instead of failing with EAGAIN). The pipe
/// is borrowed from the shard's <see cref="ShardPipePool"/> for one send; when all are lent, the
/// bytes are read (io_uring) into a pooled buffer and sent from there.
/// Used only by the connection's shard thread.
/// </summary>
internal sealed class ResponseSender
{
    private const int CopyChunk = 64 * 1024;

    private readonly SafeHandle _socket;
    private readonly ShardMetrics _metrics;
    private readonly ShardPipePool _pipes;

    public ResponseSender(SafeHandle socket, ShardMetrics metrics, ShardPipePool pipes)
    {
        _socket = socket;
        _metrics = metrics;
        _pipes = pipes;
    }

    /// <summary>Sends all of <paramref name="bytes"/>, looping over partial sends.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes)
    {
        var io = Shard.Current!.Io;
        while (!bytes.IsEmpty)
        {
            var sent = await io.SendAsync(_socket, bytes);
            if (sent <= 0)
            {
                throw new IOException("The connection closed while a response was being sent.");
            }

            bytes = bytes[sent..];
            _metrics.AddBytesOut(sent);
        }
    }

    /// <summary>Sends <paramref name="count"/> bytes of <paramref name="file"/> starting at <paramref name="position"/>, zero-copy when a pipe is free.</summary>
    public async ValueTask SendFileAsync(SafeFileHandle file, long position, long count)
    {
        if (_pipes.TryRent() is not { } pipe)
        {
            await CopyFileAsync(file, position, count);
            return;
        }

        var empty = false;
        try
        {
            await SpliceFileAsync(pipe, file, position, count);
            empty = true;
        }
        finally
        {
            _pipes.Return(pipe, empty);
        }
    }

    private async ValueTask SpliceFileAsync(KernelPipe pipe, SafeFileHandle file, long position, long count)
    {
        var io = Shard.Current!.Io;
        while (count > 0)
        {
            var chunk = (int)Math.Min(count, pipe.Capacity);
            var inPipe = await io.SpliceAsync(file, position, pipe.WriteEnd, -1, chunk);
            if (inPipe <= 0)
            {
                throw new IOException($"The segment file ended {count} bytes before the region to send (position {position}).");
            }

            position += inPipe;
            count -= inPipe;
            while (inPipe > 0)
            {
                var sent = await io.SpliceAsync(pipe.ReadEnd, -1, _socket, -1, inPipe);
                if (sent <= 0)
                {
                    throw new IOException("The connection closed while record data was being sent.");
                }

                inPipe -= sent;
                _metrics.AddBytesOut(sent);
            }
        }
    }

    private async ValueTask CopyFileAsync(SafeFileHandle file, long position, long count)
    {
        var io = Shard.Current!.Io;
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            while (count > 0)
            {
                var read = await io.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), position);
                if (read <= 0)
                {
                    throw new IOException($"The segment file ended {count} bytes before the region to send (position {position}).");
                }

                await SendAsync(buffer.AsMemory(0, read));
                position += read;
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
