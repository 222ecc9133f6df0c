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
/// io_uring needs blocking sockets to arm its own poll instead of failing with EAGAIN).
/// Used only by the connection's shard thread.
/// </summary>
internal sealed class ResponseSender : IDisposable
{
    /// <summary>Pipe capacity for splicing; Linux allows up to /proc/sys/fs/pipe-max-size (1 MiB by default) unprivileged.</summary>
    private const int PipeCapacity = 1024 * 1024;

    private readonly SafeHandle _socket;
    private readonly ShardMetrics _metrics;
    private readonly ConnectionAdmission _admission;
    private KernelPipe? _pipe;

    public ResponseSender(SafeHandle socket, ShardMetrics metrics, ConnectionAdmission admission)
    {
        _socket = socket;
        _metrics = metrics;
        _admission = admission;
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

    /// <summary>Sends <paramref name="count"/> bytes of <paramref name="file"/> starting at <paramref name="position"/>, zero-copy.</summary>
    public async ValueTask SendFileAsync(SafeFileHandle file, long position, long count)
    {
        var io = Shard.Current!.Io;
        if (_pipe is null)
        {
            _pipe = KernelPipe.Create(PipeCapacity);
            _admission.PipeOpened();
        }

        while (count > 0)
        {
            var chunk = (int)Math.Min(count, PipeCapacity);
            var inPipe = await io.SpliceAsync(file, position, _pipe.WriteEnd, -1, chunk);
            if (inPipe <= 0)
            {
                throw new IOException($"The segment file ended {count} bytes before the region to send (position {position}).");
            }

            position += inPipe;
            count -= inPipe;
            while (inPipe > 0)
            {
                var sent = await io.SpliceAsync(_pipe.ReadEnd, -1, _socket, -1, inPipe);
                if (sent <= 0)
                {
                    throw new IOException("The connection closed while record data was being sent.");
                }

                inPipe -= sent;
                _metrics.AddBytesOut(sent);
            }
        }
    }

    public void Dispose()
    {
        if (_pipe is not null)
        {
            _pipe.Dispose();
            _pipe = null;
            _admission.PipeClosed();
        }
    }
}
