using System.Net;
using System.Net.Sockets;
using FastLog.Core;
using FastLog.Server.Metrics;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Network;

/// <summary>
/// The connections one shard owns and what they share there: admission at accept (limits and the
/// descriptor reserve, through the broker-wide <see cref="ConnectionAdmission"/>), counters,
/// rate-limited warnings, and the sweep that closes idle connections (connections.max.idle.ms)
/// and requests that take too long to arrive (fastlog.request.read.timeout.ms).
/// Threads: only the owning shard's thread (accept loop, connection ends, sweep timer, shutdown).
/// </summary>
internal sealed class ShardConnections
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly HashSet<KafkaConnection> _open = [];
    private readonly IRequestDispatcher _dispatcher;
    private readonly int _shardId;
    private readonly TimeSpan _sweepInterval;
    private readonly LogRateLimit _refusalWarnings = new(WarningInterval);
    private bool _stopped;

    public ShardConnections(int shardId, ConnectionAdmission admission, IRequestDispatcher dispatcher, ConnectionSettings settings, ShardMetrics metrics, ILogger logger)
    {
        _shardId = shardId;
        Admission = admission;
        Pipes = new ShardPipePool(admission);
        _dispatcher = dispatcher;
        Settings = settings;
        Metrics = metrics;
        Logger = logger;

        // Often enough that a timeout fires within about half of itself, at most once a second.
        var shortest = Math.Min(settings.IdleTimeoutMs, settings.RequestReadTimeoutMs);
        _sweepInterval = TimeSpan.FromMilliseconds(Math.Clamp(shortest / 2, 10, 1000));
    }

    /// <summary>The broker-wide admission (shared by every shard; see its threading protocol).</summary>
    public ConnectionAdmission Admission { get; }

    /// <summary>The splice pipes this shard's connections borrow for zero-copy sends.</summary>
    public ShardPipePool Pipes { get; }

    public ConnectionSettings Settings { get; }

    public ShardMetrics Metrics { get; }

    public ILogger Logger { get; }

    /// <summary>Shared by this shard's connections: one malformed-request warning per interval.</summary>
    public LogRateLimit MalformedWarnings { get; } = new(WarningInterval);

    /// <summary>Shared by this shard's connections: one slow-request warning per interval.</summary>
    public LogRateLimit TimeoutWarnings { get; } = new(WarningInterval);

    /// <summary>Starts the idle and slow-request sweep; call on the shard.</summary>
    public void StartSweeping() => Shard.Current!.ScheduleTimer(_sweepInterval, static s => ((ShardConnections)s!).Sweep(), this);

    /// <summary>The accept loop's hand-off: admits and serves <paramref name="socket"/>, accepted on <paramref name="listener"/>, or closes it at once.</summary>
    public void Serve(Socket socket, ListenerEndpoint listener)
    {
        IPEndPoint? remote;
        try
        {
            remote = socket.RemoteEndPoint as IPEndPoint;
        }
        catch (SocketException)
        {
            socket.Dispose(); // reset before we looked at it
            return;
        }

        if (Admission.TryAdmit(remote?.Address) is { } refusal)
        {
            socket.Dispose();
            Metrics.ConnectionRefused(refusal);
            if (_refusalWarnings.TryAcquire(out var heldBack))
            {
                Logger.LogWarning("Closed a new connection from {Remote}: {Reason}{HeldBack}", remote, Describe(refusal), _refusalWarnings.Suffix(heldBack));
            }

            return;
        }

        var context = new ConnectionContext(Admission.NextConnectionId(), remote, _shardId, listener);
        _ = RunAsync(new KafkaConnection(socket, context, _dispatcher, this), remote?.Address);
    }

    /// <summary>Closes every connection (broker shutdown; responses not yet sent are dropped) and the idle pipes.</summary>
    public void AbortAll()
    {
        _stopped = true;
        foreach (var connection in _open.ToList())
        {
            connection.Abort();
        }

        Pipes.Dispose();
    }

    private async Task RunAsync(KafkaConnection connection, IPAddress? address)
    {
        _open.Add(connection);
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _open.Remove(connection);
            Admission.Release(address);
        }
    }

    private void Sweep()
    {
        if (_stopped)
        {
            return;
        }

        var now = Environment.TickCount64;
        List<KafkaConnection>? expired = null;
        foreach (var connection in _open)
        {
            if (connection.IsExpired(now))
            {
                (expired ??= []).Add(connection);
            }
        }

        // Closed after the walk: closing may end a connection and take it out of the set.
        foreach (var connection in expired ?? [])
        {
            connection.CloseExpired(now);
        }

        StartSweeping();
    }

    private string Describe(ConnectionRefusal refusal) => refusal switch
    {
        ConnectionRefusal.MaxConnections => $"the broker holds max.connections ({Settings.MaxConnections}) connections",
        ConnectionRefusal.MaxConnectionsPerIp => "the address holds max.connections.per.ip connections",
        _ => $"no room within the file descriptor limit {Admission.DescriptorLimit} (ulimit -n): {Admission.Open} connections held " +
            $"and {Admission.PipeDescriptors} descriptors budgeted for splice pipes, {Admission.OtherDescriptors} in other use, " +
            $"{Settings.DescriptorReserve} kept free (fastlog.fd.reserve); raise the limit or set max.connections",
    };
}
