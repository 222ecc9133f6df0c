using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FastLog.Core;

namespace FastLog.Cluster;

/// <summary>
/// The gossip layer as a broker runs it: one <see cref="GossipNode"/> living on one shard (shard 0
/// by default), its UDP socket read and written through that shard's io_uring, its deadlines kept
/// with that shard's timers. The protocol's work is a few datagrams per second, so one shard is
/// plenty and the state machine needs no locks.
/// <para>Threading protocol: <see cref="StartAsync"/> and <see cref="StopAsync"/> are called off the
/// shards (startup, shutdown) and hop onto the gossip shard with <see cref="ShardGroup.RunAsync(int, Func{ValueTask})"/>;
/// the receive loop, the timer callback and <see cref="MemberChanged"/> run on the gossip shard;
/// <see cref="View"/> and <see cref="Counters"/> are safe from any thread (see <see cref="GossipNode"/>).
/// The fields below are touched only on the gossip shard once started.</para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The socket is released by StopAsync (or by a failed construction), after the gossip loop on its shard has ended: Dispose could not wait for that loop.")]
public sealed class ClusterMembership
{
    private const int ReceiveBufferBytes = 65536; // a whole UDP datagram, so an oversized one is read (and dropped) whole

    private readonly ShardGroup _shards;
    private readonly int _shardId;
    private readonly Socket _socket;
    private readonly GossipNode _node;
    private readonly UdpGossipTransport _transport;
    private Task? _receiveLoop;
    private ShardTimer _timer;
    private long _timerDue = long.MaxValue;
    private bool _stopped;

    /// <summary>
    /// Binds the gossip socket to <paramref name="options"/>' endpoint (port 0 picks a free port,
    /// which then becomes the advertised one) and prepares the node; <see cref="StartAsync"/> joins.
    /// </summary>
    public ClusterMembership(ShardGroup shards, GossipOptions options, int shardId = 0)
    {
        _shards = shards;
        _shardId = shardId;
        _socket = new Socket(options.GossipEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(options.GossipEndPoint);
            var bound = options with { GossipEndPoint = (IPEndPoint)_socket.LocalEndPoint! };
            var counters = new GossipCounters();
            _transport = new UdpGossipTransport(shards[shardId], _socket, counters);
            _node = new GossipNode(bound, _transport, new Random(), counters);
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            // A start-up failure is one line naming the setting, not a stack trace.
            throw new IOException($"gossip address {options.GossipEndPoint}: {e.Message} (set --cluster-listen / fastlog.cluster.listen to another HOST:PORT)", e);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Raised on the gossip shard for every membership change (this node's own join and leave included).</summary>
    public event Action<MemberChange>? MemberChanged
    {
        add => _node.MemberChanged += value;
        remove => _node.MemberChanged -= value;
    }

    /// <summary>The gossip address other nodes reach this one at.</summary>
    public IPEndPoint GossipEndPoint => _node.Self.GossipEndPoint;

    public ClusterView View => _node.View;

    public GossipCounters Counters => _node.Counters;

    private static long Now => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000);

    /// <summary>Announces this node to the seeds and starts probing.</summary>
    public Task StartAsync() => _shards.RunAsync(_shardId, () =>
    {
        _node.Start(Now);
        _receiveLoop = ReceiveLoopAsync();
        ScheduleTick();
        return ValueTask.CompletedTask;
    });

    /// <summary>
    /// Stops gossiping and closes the socket. With <paramref name="leave"/> (a graceful shutdown) the
    /// other members are told first, so they drop this node at once instead of after a suspicion
    /// timeout; without it, the node simply goes silent, as a crashed one would.
    /// </summary>
    public async Task StopAsync(bool leave = true)
    {
        await _shards.RunAsync(_shardId, async () =>
        {
            if (_stopped)
            {
                return;
            }

            if (leave)
            {
                _node.Leave(Now);
                await _transport.DrainAsync();
            }

            _stopped = true;
            _timer.Cancel();
            try
            {
                // Wakes the receive pending in the kernel (it completes with 0 bytes); close alone would not.
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // ENOTCONN, expected on an unconnected UDP socket: Linux applies the shutdown anyway.
            }
        }).ConfigureAwait(false);

        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }

        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var shard = Shard.Current!;
        var buffer = new byte[ReceiveBufferBytes];
        while (!_stopped)
        {
            int received;
            try
            {
                received = await shard.Io.RecvAsync(_socket.SafeHandle, buffer);
            }
            catch (Exception e) when (e is IoRingException or ObjectDisposedException)
            {
                if (_stopped)
                {
                    return;
                }

                // A transient kernel failure (e.g. ENOMEM): back off instead of spinning.
                _node.Counters.ReceiveFailed();
                await shard.Delay(TimeSpan.FromMilliseconds(100));
                continue;
            }

            if (!_stopped)
            {
                _node.Receive(buffer.AsSpan(0, received), Now);
                ScheduleTick();
            }
        }
    }

    /// <summary>Keeps one shard timer armed for the node's earliest deadline (moved earlier when it changes).</summary>
    private void ScheduleTick()
    {
        long due = _node.NextDeadline;
        if (_stopped || due >= _timerDue)
        {
            return;
        }

        _timer.Cancel();
        _timerDue = due;
        if (due != long.MaxValue)
        {
            _timer = Shard.Current!.ScheduleTimer(TimeSpan.FromMilliseconds(Math.Max(0, due - Now)), static state => ((ClusterMembership)state!).OnTimer(), this);
        }
    }

    private void OnTimer()
    {
        _timerDue = long.MaxValue;
        if (!_stopped)
        {
            _node.Tick(Now);
            ScheduleTick();
        }
    }
}
