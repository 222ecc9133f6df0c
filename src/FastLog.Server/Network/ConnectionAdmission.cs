using System.Collections.Concurrent;
using System.Net;
using FastLog.Core;
using FastLog.Server.Metrics;

namespace FastLog.Server.Network;

/// <summary>
/// Decides, right after accept, whether a connection may stay: max.connections, max.connections.per.ip
/// (with its overrides), and the file-descriptor reserve. Each held connection is counted as one
/// descriptor (its socket) and the shards' splice pipes (<see cref="ShardPipePool"/>) at their
/// bound, so connections alone can never take the descriptors the runtime and storage need:
/// running out is what aborted the broker (the runtime could not create a thread or a pipe).
///
/// Descriptors held by anything else (storage, runtime, listeners) are measured from /proc/self/fd
/// once a second, less the connections' own, so partitions created while serving shrink the room
/// for connections instead of overrunning the limit.
///
/// Threads: <see cref="TryAdmit"/> and <see cref="Release"/> run on any shard's thread (accept
/// and the end of a connection); the total is Interlocked, so counts across shards are exact
/// without a lock. Per-address counts live in a ConcurrentDictionary, only when a per-address
/// limit is set. <see cref="_otherDescriptors"/> is written by the refresh timer (thread pool) and
/// read with Volatile by the shards; the refresh and admission may race by a few descriptors,
/// which the reserve covers.
/// </summary>
internal sealed class ConnectionAdmission : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly int _maxConnections;
    private readonly int _maxPerIp;
    private readonly IReadOnlyDictionary<IPAddress, int> _perIpOverrides;
    private readonly ConcurrentDictionary<IPAddress, int>? _perIp;
    private readonly long _descriptorLimit;
    private readonly int _reserve;
    private readonly int _pipeDescriptors;
    private readonly Timer _refresh;
    private int _open;
    private int _pipes;
    private long _nextConnectionId;
    private long _otherDescriptors;

    public ConnectionAdmission(int maxConnections, int maxPerIp, IReadOnlyDictionary<IPAddress, int> perIpOverrides, long descriptorLimit, int reserve, int shards)
    {
        _pipeDescriptors = PipeDescriptorsFor(shards);
        _maxConnections = maxConnections;
        _maxPerIp = maxPerIp;
        _perIpOverrides = perIpOverrides;
        _perIp = maxPerIp == int.MaxValue && perIpOverrides.Count == 0 ? null : new ConcurrentDictionary<IPAddress, int>();
        _descriptorLimit = descriptorLimit;
        _reserve = reserve;
        RefreshDescriptors();
        _refresh = new Timer(_ => RefreshDescriptors(), null, RefreshInterval, RefreshInterval);
    }

    /// <summary>Descriptors the splice pipes of <paramref name="shards"/> shards may hold at most (two a pipe).</summary>
    public static int PipeDescriptorsFor(int shards) => shards * ShardPipePool.PipesPerShard * 2;

    /// <summary>What the splice pipes may hold at most (budgeted whether open or not).</summary>
    public int PipeDescriptors => _pipeDescriptors;

    /// <summary>Connections held now, over all shards.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Descriptors held by anything but connections (storage, runtime, listeners), as last measured.</summary>
    public long OtherDescriptors => Volatile.Read(ref _otherDescriptors);

    /// <summary>Descriptors in use: the last measurement of the others, and the connections' now (for /metrics).</summary>
    public long DescriptorsInUse => OtherDescriptors + Open + (2L * Volatile.Read(ref _pipes));

    public long DescriptorLimit => _descriptorLimit;

    /// <summary>A broker-wide unique id for a connection's log lines.</summary>
    public long NextConnectionId() => Interlocked.Increment(ref _nextConnectionId);

    /// <summary>Counts the connection in, or says why it must be closed (then nothing was counted).</summary>
    public ConnectionRefusal? TryAdmit(IPAddress? address)
    {
        var open = Interlocked.Increment(ref _open);
        if (open > _maxConnections)
        {
            Interlocked.Decrement(ref _open);
            return ConnectionRefusal.MaxConnections;
        }

        if (OtherDescriptors + open + _pipeDescriptors + _reserve > _descriptorLimit)
        {
            Interlocked.Decrement(ref _open);
            return ConnectionRefusal.DescriptorReserve;
        }

        if (_perIp is not null && address is not null)
        {
            var limit = _perIpOverrides.TryGetValue(address, out var overridden) ? overridden : _maxPerIp;
            if (_perIp.AddOrUpdate(address, 1, static (_, n) => n + 1) > limit)
            {
                ReleaseAddress(address);
                Interlocked.Decrement(ref _open);
                return ConnectionRefusal.MaxConnectionsPerIp;
            }
        }

        return null;
    }

    /// <summary>The end of a connection <see cref="TryAdmit"/> counted in.</summary>
    public void Release(IPAddress? address)
    {
        if (_perIp is not null && address is not null)
        {
            ReleaseAddress(address);
        }

        Interlocked.Decrement(ref _open);
    }

    /// <summary>A shard opened a splice pipe (already budgeted: counted so the measurement can tell them from storage's descriptors).</summary>
    public void PipeOpened() => Interlocked.Increment(ref _pipes);

    public void PipeClosed() => Interlocked.Decrement(ref _pipes);

    public void Dispose() => _refresh.Dispose();

    private void ReleaseAddress(IPAddress address)
    {
        var remaining = _perIp!.AddOrUpdate(address, 0, static (_, n) => n - 1);
        if (remaining <= 0)
        {
            // Removes the entry only if no accept counted the address in since: a conditional remove.
            _perIp.TryRemove(new KeyValuePair<IPAddress, int>(address, remaining));
        }
    }

    private void RefreshDescriptors()
    {
        try
        {
            // Connections come and go while /proc/self/fd is listed: subtracting the fewest the
            // listing can have seen keeps the estimate of the others on the high (safe) side.
            var connections = Volatile.Read(ref _open) + (2L * Volatile.Read(ref _pipes));
            var counted = FileDescriptors.CountOpen();
            connections = Math.Min(connections, Volatile.Read(ref _open) + (2L * Volatile.Read(ref _pipes)));
            Volatile.Write(ref _otherDescriptors, Math.Max(0, counted - connections));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Listing /proc/self/fd needs a descriptor too: at the limit, keep the last measurement.
        }
    }
}
