using System.Net;
using System.Net.Sockets;
using FastLog.Core;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Network;

/// <summary>
/// One listening socket per shard, all bound to the same address with SO_REUSEPORT, so the kernel
/// spreads new connections across shards and each connection is accepted, and then owned, by one
/// shard for its whole life. The accept loop runs on the shard through its io_uring: no thread-pool
/// hop between the kernel and the shard that serves the connection.
/// </summary>
internal sealed class ShardListener : IDisposable
{
    // Linux's own numbers (SocketOptionLevel.Socket is the Windows value 0xFFFF, not SOL_SOCKET).
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;
    private const int Backlog = 1024;

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly LogRateLimit _acceptWarnings = new(TimeSpan.FromSeconds(10));
    private bool _stopped;

    private ShardListener(Socket socket, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>
    /// Throws a <see cref="SocketException"/> (AddressAlreadyInUse) when something already listens
    /// on <paramref name="endPoint"/> (or the address cannot be bound at all). SO_REUSEPORT alone
    /// would let a second broker on the same port bind silently and receive half of the
    /// connections; a probe bound without it collides with any existing listener.
    /// </summary>
    public static void EnsurePortFree(IPEndPoint endPoint)
    {
        if (endPoint.Port == 0)
        {
            return;
        }

        using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // SO_REUSEADDR alone (so connections of a previous run in TIME_WAIT do not count):
        // .NET's ReuseAddress option sets SO_REUSEPORT as well on Linux, which would defeat the probe.
        probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        probe.Bind(endPoint);
    }

    /// <summary>Binds a listening socket; pass the port the first shard got when the configured port was 0.</summary>
    public static ShardListener Bind(IPEndPoint endPoint, ILogger logger)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return new ShardListener(socket, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Accepts until <see cref="Dispose"/>; runs on the owning shard, handing each connection to <paramref name="serve"/> (which admits or closes it).</summary>
    public async ValueTask AcceptLoopAsync(Action<Socket> serve)
    {
        var io = Shard.Current!.Io;
        while (!_stopped)
        {
            int fd;
            try
            {
                fd = await io.AcceptAsync(_socket.SafeHandle);
            }
            catch (IoRingException e) when (_stopped || e.Errno is Errno.EBADF or Errno.EINVAL or Errno.ECANCELED)
            {
                return; // the listener was closed
            }
            catch (IoRingException e) when (e.Errno is Errno.EMFILE or Errno.ENFILE or Errno.ENOBUFS or Errno.ENOMEM)
            {
                // Out of descriptors or memory: back off instead of spinning; existing connections keep working.
                // The descriptor reserve (ConnectionAdmission) should keep this from happening; if something else
                // took the descriptors, say so every few seconds, not ten times a second.
                if (_acceptWarnings.TryAcquire(out var heldBack))
                {
                    _logger.LogWarning("accept failed ({Error}); retrying every 100 ms{HeldBack}", e.Message, _acceptWarnings.Suffix(heldBack));
                }

                await Shard.Current.Delay(TimeSpan.FromMilliseconds(100));
                continue;
            }
            catch (IoRingException e) when (e.Errno is Errno.ECONNABORTED or Errno.EPERM or Errno.EPROTO)
            {
                continue; // the client gave up before we accepted it
            }

            var connection = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { NoDelay = true };
            serve(connection);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        // shutdown() wakes an accept blocked in the kernel; close alone does not.
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected: expected for a listening socket on some kernels; closing below still applies.
        }

        _socket.Dispose();
    }
}
