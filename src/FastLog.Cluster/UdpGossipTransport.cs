using System.Buffers;
using System.Net;
using System.Net.Sockets;
using FastLog.Core;

namespace FastLog.Cluster;

/// <summary>
/// Gossip over UDP through the gossip shard's io_uring (<see cref="IoRing.SendToAsync"/>): no
/// thread-pool hop and no blocking syscall on the shard. Each datagram is copied into a pooled
/// array that stays pinned until its completion. Threading: used only on the gossip shard (sends,
/// completions, <see cref="DrainAsync"/>), so its fields need no synchronization.
/// </summary>
internal sealed class UdpGossipTransport(Shard shard, Socket socket, GossipCounters counters) : IGossipTransport
{
    // Bounded: destinations are the senders of valid messages of our cluster, normally a few dozen.
    private const int MaxCachedAddresses = 4096;

    private readonly Dictionary<IPEndPoint, SocketAddress> _addresses = [];
    private int _inFlight;
    private TaskCompletionSource? _drained;

    public void Send(IPEndPoint destination, ReadOnlySpan<byte> datagram)
    {
        if (!_addresses.TryGetValue(destination, out var address))
        {
            if (_addresses.Count >= MaxCachedAddresses)
            {
                _addresses.Clear();
            }

            address = destination.Serialize();
            _addresses.Add(destination, address);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        _inFlight++;
        _ = SendAsync(address, buffer, datagram.Length);
    }

    /// <summary>Completes once every datagram handed to <see cref="Send"/> so far has left (or failed).</summary>
    public Task DrainAsync()
    {
        if (_inFlight == 0)
        {
            return Task.CompletedTask;
        }

        _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _drained.Task;
    }

    private async Task SendAsync(SocketAddress address, byte[] buffer, int length)
    {
        try
        {
            await shard.Io.SendToAsync(socket.SafeHandle, buffer.AsMemory(0, length), address);
        }
        catch (Exception e) when (e is IoRingException or ObjectDisposedException)
        {
            counters.SendFailed(); // UDP is lossy anyway: the protocol retries by design
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (--_inFlight == 0 && _drained is { } drained)
            {
                _drained = null;
                drained.SetResult();
            }
        }
    }
}
