using System.Net;
using System.Net.Sockets;

namespace FastLog.Testing;

/// <summary>
/// N real broker processes on 127.0.0.1 forming one cluster: gossip (every broker seeds every
/// other) and the metadata quorum (every broker a voter). Ports are chosen free once and kept,
/// so a killed broker restarts at the same gossip and Raft addresses (the voter list is static).
/// Data lives in {root}/broker-{id}; the caller owns and deletes the root.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly string _root;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly Dictionary<int, (int Kafka, int Gossip, int Raft)> _ports;
    private readonly Dictionary<int, BrokerProcess?> _brokers = [];

    private LocalCluster(string root, int count, IReadOnlyList<string> extraArguments)
    {
        _root = root;
        _extraArguments = extraArguments;
        _ports = Enumerable.Range(1, count).ToDictionary(id => id, _ => (BrokerProcess.FreePort(), FreeUdpPort(), BrokerProcess.FreePort()));
    }

    public IReadOnlyCollection<int> NodeIds => _ports.Keys;

    /// <summary>The running broker with <paramref name="nodeId"/>; throws when it is stopped.</summary>
    public BrokerProcess this[int nodeId] => _brokers.GetValueOrDefault(nodeId) ?? throw new InvalidOperationException($"broker {nodeId} is not running");

    public bool IsRunning(int nodeId) => _brokers.GetValueOrDefault(nodeId) is not null;

    /// <summary>Every running broker's Kafka address, comma-separated (a client's bootstrap list).</summary>
    public string BootstrapServers => string.Join(",", _brokers.Where(b => b.Value is not null).Select(b => $"127.0.0.1:{_ports[b.Key].Kafka}"));

    public static async Task<LocalCluster> StartAsync(string root, int count, params string[] extraArguments)
    {
        var cluster = new LocalCluster(root, count, extraArguments);
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

    /// <summary>Starts (or restarts, from its data directory) broker <paramref name="nodeId"/>.</summary>
    public async Task StartAsync(int nodeId)
    {
        var (kafka, gossip, _) = _ports[nodeId];
        var voters = string.Join(",", _ports.Select(p => $"{p.Key}@127.0.0.1:{p.Value.Raft}"));
        var seeds = string.Join(",", _ports.Where(p => p.Key != nodeId).Select(p => $"127.0.0.1:{p.Value.Gossip}"));
        _brokers[nodeId] = await BrokerProcess.StartAsync(new BrokerProcessOptions
        {
            DataDirectory = Path.Combine(_root, $"broker-{nodeId}"),
            Port = kafka,
            LogPath = Path.Combine(_root, $"broker-{nodeId}.log"),
            Arguments = ["--node-id", $"{nodeId}", "--shards", "1", "--cluster-listen", $"127.0.0.1:{gossip}", "--cluster-seeds", seeds, "--quorum-voters", voters, .. _extraArguments],
        }).ConfigureAwait(false);
    }

    /// <summary>SIGKILL of broker <paramref name="nodeId"/>.</summary>
    public void Kill(int nodeId)
    {
        this[nodeId].Dispose();
        _brokers[nodeId] = null;
    }

    public void Dispose()
    {
        foreach (var broker in _brokers.Values)
        {
            broker?.Dispose();
        }

        _brokers.Clear();
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
