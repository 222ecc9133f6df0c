using System.Net;
using System.Net.Sockets;
using FastLog.Broker.Admin;
using FastLog.Broker.Configuration;
using FastLog.Broker.Coordination;
using FastLog.Broker.Groups;
using FastLog.Server.Handlers;
using FastLog.Server.Metrics;
using FastLog.Server.Network;
using FastLog.Broker.Partitions;
using FastLog.Broker.Producers;
using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Cluster;
using FastLog.Core;
using FastLog.Metadata.Quorum;
using Microsoft.Extensions.Logging;

namespace FastLog.Server;

/// <summary>
/// The broker: starts the shards, recovers and opens every partition on its owner shard, then
/// accepts Kafka clients on every shard (SO_REUSEPORT), serves /metrics, and on stop closes
/// listeners, then partitions (flush, checkpoint, clean-shutdown marker), then the shards.
/// Used by `fastlog serve` and by the end-to-end tests (which bind port 0).
/// </summary>
public sealed class BrokerServer : IAsyncDisposable
{
    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ShardGroup _shards;
    // Every listener's sockets, one per shard ([listener][shard]); _listeners[0] is the first listener.
    private readonly List<(ListenerEndpoint Endpoint, ShardListener[] Sockets)> _listeners = [];

    // _connections[s] is touched only on shard s (accept, end of a connection, sweep, shutdown).
    private ShardConnections[] _connections = [];
    private ConnectionAdmission? _admission;
    private PartitionManager? _partitions;
    private GroupCoordinator? _groups;
    private MetricsEndpoint? _metricsEndpoint;
    private LogDirectories? _logDirectories;
    private ClusterMembership? _cluster;
    private IMetadataLog? _metadata;
    private ClusterCoordinator? _coordinator;
    private bool _serving;
    private bool _stopped;

    private BrokerServer(BrokerOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("FastLog.Broker");
        _shards = new ShardGroup(new ShardGroupOptions
        {
            ShardCount = options.ShardCount,
            PinThreads = options.PinShards,
            IdleSpin = TimeSpan.FromMicroseconds(options.IdlePollMicroseconds),
            UnhandledException = (shard, e) => _logger.LogError(e, "Unhandled error on shard {Shard}", shard.Id),
        });
    }

    /// <summary>The address clients reach the first listener at (the bound port when the configured one was 0).</summary>
    public IPEndPoint ListenEndPoint => _listeners[0].Endpoint.LocalEndPoint;

    /// <summary>The address the listener named <paramref name="name"/> (a listeners entry) is bound to.</summary>
    public IPEndPoint ListenerEndPoint(string name) =>
        _listeners.Select(l => l.Endpoint).FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))?.LocalEndPoint
        ?? throw new ArgumentException($"no listener named {name}", nameof(name));

    public IPEndPoint? MetricsEndPoint => _metricsEndpoint?.LocalEndPoint;

    /// <summary>True while this broker's metadata quorum node leads (it is the cluster's controller).</summary>
    public bool IsController => _coordinator?.IsController ?? false;

    /// <summary>The gossip UDP address (null when clustering is off).</summary>
    public IPEndPoint? ClusterEndPoint => _cluster?.GossipEndPoint;

    public static async Task<BrokerServer> StartAsync(BrokerOptions options, ILoggerFactory loggers)
    {
        options.Validate();
        var server = new BrokerServer(options, loggers);
        try
        {
            await server.StartCoreAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _logDirectories = LogDirectories.Open(_options.DataDirectories, _options.ShardCount, _logger);
        var binds = _options.Listeners.Select(listener => OnListener(listener, () =>
        {
            var bind = listener.ToBindEndPoint();
            ShardListener.EnsurePortFree(bind);
            return bind;
        })).ToList();
        _shards.Start();
        var topics = TopicRegistry.Open(_options.DataDirectory, _options.TopicDefaults);
        var descriptorLimit = FileDescriptorBudget.Check(
            _options.MaxConnections, _options.FileDescriptorReserve, _shards.Count, topics.Current.ByName.Values.Sum(t => t.PartitionCount), _options.DataDirectories, _logger);
        var metrics = new BrokerMetrics(_shards, () => Gauges(topics, _admission));
        metrics.LogDirectories = _logDirectories;
        _partitions = new PartitionManager(_shards, topics, _options, _logDirectories, new StorageMetrics(metrics), _logger);
        metrics.Partitions = _partitions;
        if (_options.QuorumVoters.Count == 0)
        {
            // In a cluster the coordinator opens the partitions the committed image gives this broker.
            await _partitions.OpenAllAsync().ConfigureAwait(false);
        }

        _groups = new GroupCoordinator(_partitions, _options, _loggers.CreateLogger("FastLog.Broker.Groups"));
        await _groups.OpenAsync().ConfigureAwait(false);

        for (var i = 0; i < binds.Count; i++)
        {
            BindOnEveryShard(_options.Listeners[i], binds[i]);
        }

        // Other brokers learn one Kafka address per broker through gossip: the inter-broker listener's.
        var interBroker = ListenerRules.InterBrokerListener(_options);
        if (_options.ToGossipOptions(_listeners.Single(l => l.Endpoint.Name == interBroker.Name).Endpoint.Advertised) is { } gossip)
        {
            _cluster = new ClusterMembership(_shards, gossip); // membership only: see the README's "Cluster membership"
            _cluster.MemberChanged += change => _logger.LogInformation("Cluster: {Member} ({Change})", change.Member, change.Previous is { } previous ? $"was {previous}" : "new");
        }

        metrics.Cluster = _cluster;
        if (_cluster is { } members && _options.QuorumVoters.Count > 0)
        {
            // A voter runs a Raft node; any other broker observes the voters' committed image over their Kafka listeners.
            _metadata = _options.IsQuorumObserver
                ? MetadataObserver.Start(_options.NodeId, _options.QuorumVoters.Keys, id => KafkaEndPointOf(members, id), _loggers.CreateLogger("FastLog.Metadata"))
                : await MetadataQuorum.StartAsync(QuorumOptionsFor(_options), _loggers).ConfigureAwait(false);
            _coordinator = new ClusterCoordinator(_options, _metadata, _cluster, topics, _partitions, _groups, _loggers.CreateLogger("FastLog.Broker.Cluster"));
            metrics.Coordinator = _coordinator;
        }

        var coordinator = _coordinator;
        var producerIds = coordinator is null ? ProducerIdAllocator.Open(_options.DataDirectory) : ProducerIdAllocator.InCluster(coordinator.AllocateProducerIdsAsync);
        var services = new BrokerServices(_options, _listeners.Select(l => l.Endpoint).ToList(), topics, _partitions, new TopicLifecycle(topics, _partitions, _options, _logger) { Cluster = coordinator },
            producerIds, metrics, _loggers) { Groups = _groups, Cluster = _cluster, Coordinator = coordinator };
        var router = new RequestRouter(ApiHandlers.All, services);

        var connectionLogger = _loggers.CreateLogger("FastLog.Broker.Connections");
        _admission = new ConnectionAdmission(_options.MaxConnections, _options.MaxConnectionsPerIp, ResolveOverrides(_options.MaxConnectionsPerIpOverrides), descriptorLimit, _options.FileDescriptorReserve, _shards.Count);
        var settings = ConnectionSettings.From(_options);
        _connections = Enumerable.Range(0, _shards.Count).Select(shard => new ShardConnections(shard, _admission, router, settings, metrics.ForShard(shard), connectionLogger)).ToArray();
        for (var shard = 0; shard < _shards.Count; shard++)
        {
            var connections = _connections[shard];
            _ = _shards.RunAsync(shard, () =>
            {
                connections.StartSweeping();
                return ValueTask.CompletedTask;
            });
            foreach (var (endpoint, sockets) in _listeners)
            {
                var socket = sockets[shard];
                _ = _shards.RunAsync(shard, () => socket.AcceptLoopAsync(accepted => connections.Serve(accepted, endpoint)));
            }
        }

        if (_options.MetricsListen is { } metricsListen)
        {
            _metricsEndpoint = new MetricsEndpoint(metricsListen.ToBindEndPoint(), metrics.RenderAsync, _logger);
        }

        if (_cluster is not null)
        {
            await _cluster.StartAsync().ConfigureAwait(false);
        }

        if (_coordinator is not null)
        {
            await _coordinator.StartAsync().ConfigureAwait(false);
        }

        _logger.LogInformation(
            "FastLog serving Kafka on {Listeners}, {Shards} shards, data in {DataDir}, {Topics} topics, ready in {Ms} ms",
            string.Join(", ", _listeners.Select(l => l.Endpoint)), _shards.Count, string.Join(", ", _logDirectories.All), topics.Current.ByName.Count, started.ElapsedMilliseconds);
        _serving = true;
    }

    /// <summary>
    /// Binds <paramref name="listener"/> on every shard (SO_REUSEPORT: the kernel spreads its
    /// connections over the shards) and works out what it advertises; port 0 becomes the port the
    /// kernel gave the first shard's socket.
    /// </summary>
    private void BindOnEveryShard(ListenerAddress listener, IPEndPoint bind)
    {
        var sockets = new List<ShardListener>(_shards.Count);
        try
        {
            for (var shard = 0; shard < _shards.Count; shard++)
            {
                var endPoint = shard == 0 ? bind : new IPEndPoint(bind.Address, sockets[0].LocalEndPoint.Port);
                sockets.Add(OnListener(listener, () => ShardListener.Bind(endPoint, _logger)));
            }
        }
        catch
        {
            sockets.ForEach(socket => socket.Dispose());
            throw;
        }

        var local = sockets[0].LocalEndPoint;
        _listeners.Add((new ListenerEndpoint(listener.Name, local, ListenerRules.AdvertisedAddress(_options, listener, local.Port)), sockets.ToArray()));
    }

    /// <summary>A listener address that cannot be resolved or bound (taken, not on this host) is one line naming the listener and the setting.</summary>
    private static T OnListener<T>(ListenerAddress listener, Func<T> bind)
    {
        try
        {
            return bind();
        }
        catch (SocketException e)
        {
            var reason = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "already in use (is another broker running?)" : e.Message;
            throw new IOException($"listener {listener}: {reason}; set --listen / listeners to another HOST:PORT", e);
        }
    }

    /// <summary>The Kafka address gossip knows for live broker <paramref name="nodeId"/> (an observer's way to a voter before its first image).</summary>
    private static DnsEndPoint? KafkaEndPointOf(ClusterMembership members, int nodeId) =>
        members.View.Members.FirstOrDefault(m => m.NodeId == nodeId && m.IsLive) is { } member ? new DnsEndPoint(member.KafkaHost, member.KafkaPort) : null;

    /// <summary>The quorum's settings: the voters resolved once, at start; the log under {data-dir}/__cluster_metadata.</summary>
    private static QuorumOptions QuorumOptionsFor(BrokerOptions options)
    {
        var voters = options.QuorumVoters.ToDictionary(v => v.Key, v => v.Value.ToBindEndPoint());
        return new QuorumOptions
        {
            NodeId = options.NodeId,
            Voters = voters,
            BindEndPoint = voters[options.NodeId],
            Directory = Path.Combine(options.DataDirectory, "__cluster_metadata"),
        };
    }

    /// <summary>max.connections.per.ip.overrides by address: host names are resolved once, at start (as Kafka does).</summary>
    private static Dictionary<IPAddress, int> ResolveOverrides(Dictionary<string, int> overrides)
    {
        var byAddress = new Dictionary<IPAddress, int>();
        foreach (var (host, count) in overrides)
        {
            foreach (var address in IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host))
            {
                byAddress[address] = count;
            }
        }

        return byAddress;
    }

    private static IEnumerable<(string, string, double)> Gauges(TopicRegistry topics, ConnectionAdmission? admission)
    {
        var snapshot = topics.Current;
        yield return ("fastlog_topics", "Topics.", snapshot.ByName.Count);
        yield return ("fastlog_partitions", "Partitions served by this node.", snapshot.ByName.Values.Sum(t => t.PartitionCount));
        if (admission is not null)
        {
            yield return ("fastlog_connections_open", "Client connections held now.", admission.Open);
            yield return ("fastlog_file_descriptors_open", "File descriptors open (measured once a second).", admission.DescriptorsInUse);
            yield return ("fastlog_file_descriptors_limit", "The file-descriptor limit (RLIMIT_NOFILE) in force.", admission.DescriptorLimit);
        }
    }

    /// <summary>Graceful stop: no new connections, partitions flushed and closed cleanly, shards stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync().ConfigureAwait(false);
        }

        if (_metadata is not null)
        {
            await _metadata.DisposeAsync().ConfigureAwait(false);
        }

        if (_cluster is not null)
        {
            await _cluster.StopAsync().ConfigureAwait(false); // leave first: the others stop listing this broker at once
        }

        foreach (var socket in _listeners.SelectMany(l => l.Sockets))
        {
            socket.Dispose();
        }

        for (var shard = 0; shard < _connections.Length; shard++)
        {
            var connections = _connections[shard];
            await _shards.RunAsync(shard, () =>
            {
                connections.AbortAll();
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        }

        _admission?.Dispose();

        if (_metricsEndpoint is not null)
        {
            await _metricsEndpoint.DisposeAsync().ConfigureAwait(false);
        }

        if (_groups is not null)
        {
            await _groups.CloseAsync().ConfigureAwait(false);
        }

        if (_partitions is not null)
        {
            await _partitions.CloseAllAsync().ConfigureAwait(false);
        }

        _shards.Dispose();
        _logDirectories?.Dispose();
        if (_serving)
        {
            _logger.LogInformation("FastLog stopped cleanly");
        }
    }
}
