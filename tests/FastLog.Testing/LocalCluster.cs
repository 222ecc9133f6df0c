using System.Net;
using System.Net.Sockets;

namespace FastLog.Testing;

/// <summary>
/// N real broker processes on 127.0.0.1 forming one cluster: gossip (every broker seeds every
/// other) and the metadata quorum (every broker a voter, or only the first M, the others observing
/// the metadata log; <see cref="AddBrokerAsync"/> adds an observer to the running cluster). Ports are chosen free once and kept,
/// so a killed broker restarts at the same gossip and Raft addresses (the voter list is static);
/// the Kafka one lies below the ephemeral range, where a client redialling a killed broker cannot take it.
/// Data lives in {root}/broker-{id}, or where the caller's dataDirectories say (a small disk to
/// fill, for one); the caller owns and deletes them. Given
/// <see cref="NetworkNamespaces"/>, each broker runs in its own namespace at its own address
/// (fixed ports there: nothing else lives in those namespaces), so a test can cut it off.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly string _root;
    private readonly string _brokerDll;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly NetworkNamespaces? _network;
    private readonly Dictionary<int, (int Kafka, int Gossip, int Raft)> _ports;
    private readonly Dictionary<int, BrokerProcess?> _brokers = [];
    private readonly IReadOnlyDictionary<int, string>? _dataDirectories;
    private readonly int _voterCount;

    private LocalCluster(string root, int count, int voterCount, NetworkNamespaces? network, string brokerDll, IReadOnlyList<string> extraArguments, IReadOnlyDictionary<int, string>? dataDirectories)
    {
        _root = root;
        _dataDirectories = dataDirectories;
        _brokerDll = brokerDll;
        _network = network;
        _extraArguments = extraArguments;
        _voterCount = voterCount;
        _ports = Enumerable.Range(1, count).ToDictionary(id => id, _ => NewPorts());
    }

    /// <summary>Broker <paramref name="nodeId"/>'s address: 127.0.0.1, or its namespace's.</summary>
    public string Host(int nodeId) => _network?.Address(nodeId) ?? "127.0.0.1";

    public IReadOnlyCollection<int> NodeIds => _ports.Keys;

    /// <summary>The running broker with <paramref name="nodeId"/>; throws when it is stopped.</summary>
    public BrokerProcess this[int nodeId] => _brokers.GetValueOrDefault(nodeId) ?? throw new InvalidOperationException($"broker {nodeId} is not running");

    public bool IsRunning(int nodeId) => _brokers.GetValueOrDefault(nodeId) is not null;

    /// <summary>Every broker's process id (for sampling their CPU and memory).</summary>
    public IReadOnlyList<int> ProcessIds => [.. _brokers.Values.OfType<BrokerProcess>().Select(b => b.ProcessId)];

    /// <summary>Every running broker's Kafka address, comma-separated (a client's bootstrap list).</summary>
    public string BootstrapServers => string.Join(",", _brokers.Where(b => b.Value is not null).Select(b => $"{Host(b.Key)}:{_ports[b.Key].Kafka}"));

    public static Task<LocalCluster> StartAsync(string root, int count, params string[] extraArguments) => StartAsync(root, count, network: null, extraArguments);

    /// <summary><paramref name="count"/> brokers of which 1..<paramref name="voterCount"/> are the quorum's voters and the others observe the metadata log.</summary>
    public static Task<LocalCluster> StartAsync(string root, int count, int voterCount, params string[] extraArguments) =>
        StartAllAsync(new LocalCluster(root, count, voterCount, network: null, FastlogExecutable.DefaultPath, extraArguments, dataDirectories: null));

    public static Task<LocalCluster> StartAsync(string root, int count, NetworkNamespaces? network, params string[] extraArguments) => StartAsync(root, count, network, FastlogExecutable.DefaultPath, extraArguments);

    /// <summary>
    /// With the fastlog.dll (or published fastlog) to run, as <see cref="BrokerProcessOptions.BrokerDll"/>
    /// (a given build, as the bench's), and the data directory of each broker by id where it is not {root}/broker-{id}.
    /// </summary>
    public static Task<LocalCluster> StartAsync(string root, int count, NetworkNamespaces? network, string brokerDll, IReadOnlyList<string> extraArguments, IReadOnlyDictionary<int, string>? dataDirectories = null) =>
        StartAllAsync(new LocalCluster(root, count, count, network, brokerDll, extraArguments, dataDirectories));

    private static async Task<LocalCluster> StartAllAsync(LocalCluster cluster)
    {
        try
        {
            await Task.WhenAll(cluster.NodeIds.Select(cluster.StartAsync)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds a broker to the running cluster, as an operator would: the next node id, the same voters
    /// (so it observes the metadata log), every running broker's gossip address as seeds. Returns its id.
    /// </summary>
    public async Task<int> AddBrokerAsync()
    {
        if (_network is not null)
        {
            throw new InvalidOperationException("brokers added to a running cluster run on 127.0.0.1, not in network namespaces");
        }

        var nodeId = _ports.Keys.Max() + 1;
        _ports[nodeId] = NewPorts();
        await StartAsync(nodeId).ConfigureAwait(false);
        return nodeId;
    }

    /// <summary>Starts (or restarts, from its data directory) broker <paramref name="nodeId"/>.</summary>
    public async Task StartAsync(int nodeId)
    {
        var (kafka, gossip, _) = _ports[nodeId];
        var voters = string.Join(",", _ports.Where(p => p.Key <= _voterCount).Select(p => $"{p.Key}@{Host(p.Key)}:{p.Value.Raft}"));
        var seeds = string.Join(",", _ports.Where(p => p.Key != nodeId).Select(p => $"{Host(p.Key)}:{p.Value.Gossip}"));
        _brokers[nodeId] = await BrokerProcess.StartAsync(new BrokerProcessOptions
        {
            BrokerDll = _brokerDll,
            DataDirectory = _dataDirectories?.GetValueOrDefault(nodeId) ?? Path.Combine(_root, $"broker-{nodeId}"),
            Port = kafka,
            Host = Host(nodeId),
            CommandPrefix = _network?.Exec(nodeId) ?? [],
            LogPath = Path.Combine(_root, $"broker-{nodeId}.log"),
            Arguments = ["--node-id", $"{nodeId}", "--shards", "1", "--cluster-listen", $"{Host(nodeId)}:{gossip}", "--cluster-seeds", seeds, "--quorum-voters", voters, .. _extraArguments],
        }).ConfigureAwait(false);
    }

    /// <summary>SIGKILL of broker <paramref name="nodeId"/>.</summary>
    public void Kill(int nodeId)
    {
        this[nodeId].Dispose();
        _brokers[nodeId] = null;
    }

    /// <summary>SIGTERM of broker <paramref name="nodeId"/>, the way a service manager stops it (a clean shutdown); waits for its exit.</summary>
    public async Task StopAsync(int nodeId)
    {
        var broker = this[nodeId];
        _brokers[nodeId] = null;
        try
        {
            await broker.TerminateAsync().ConfigureAwait(false);
        }
        finally
        {
            broker.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var broker in _brokers.Values)
        {
            broker?.Dispose();
        }

        _brokers.Clear();
    }

    /// <summary>Kafka, gossip and Raft ports for a new broker (an observer binds no Raft port, but the choice costs nothing).</summary>
    private (int Kafka, int Gossip, int Raft) NewPorts() => _network is null ? (BrokerProcess.StablePort(), FreeUdpPort(), BrokerProcess.FreePort()) : (9092, 7946, 9093);

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
