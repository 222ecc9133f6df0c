using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Chaos.Faults;
using FastLog.Chaos.Workload;
using FastLog.Testing;

namespace FastLog.Chaos.Deployment;

/// <summary>
/// A cluster of real `fastlog serve` processes (Testing's <see cref="LocalCluster"/>: every broker
/// a quorum voter, node n is broker id n + 1). With a network fault on, each broker runs in its
/// own network namespace (Testing's <see cref="NetworkNamespaces"/>, root only) and a cut is a pair
/// of blackhole routes between brokers; the harness's clients stay on the host side and reach every
/// broker throughout, as clients on both sides of a real partition would. The brokers run with
/// <c>group.initial.rebalance.delay.ms=0</c>, as <see cref="SingleNode"/> does and for the same reason.
/// Threads: one caller at a time (the run's fault task), as <see cref="ISystemUnderTest"/> says.
/// </summary>
internal sealed class ClusterDeployment : IClusterUnderTest
{
    /// <summary>How long a role lookup, the brokers' registration or a restarted broker's return to the ISR may take.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly ClusterOptions _options;
    private readonly HashSet<int> _paused = [];
    private readonly Dictionary<int, BallastDisk> _disks = [];
    private readonly bool _namespaces;
    private NetworkNamespaces? _network;
    private LocalCluster? _cluster;

    public ClusterDeployment(ClusterOptions options)
    {
        _options = options;
        HashSet<FaultKind> supported = [FaultKind.Kill, FaultKind.Pause, FaultKind.LeaderKill, FaultKind.ControllerKill, FaultKind.RollingRestart];
        if (options.Faults?.Contains(FaultKind.Disk) == true)
        {
            // Asked for by name only: every broker's data then lives on a small loop-mounted disk.
            supported.Add(FaultKind.Disk);
        }

        if (NetworkNamespaces.Available)
        {
            supported.UnionWith([FaultKind.Isolate, FaultKind.Split, FaultKind.Bridge]);
        }

        SupportedFaults = supported;
        _namespaces = NetworkNamespaces.Available && (options.Faults?.Any(FaultKinds.IsNetwork) ?? true);
    }

    public string Description => $"{_options.Brokers} fastlog brokers (LocalCluster, every broker a quorum voter, --ack-durability {_options.AckDurability}, group.initial.rebalance.delay.ms=0), "
        + (_disks.Count > 0 ? $"data on {_options.DiskMegabytes} MiB loop-mounted ext4 disks, " : "")
        + (_namespaces ? "each in its own network namespace" : NetworkNamespaces.Available ? "on 127.0.0.1" : "on 127.0.0.1 (no network faults here: network namespaces need root and the ip tool)");

    public string BootstrapServers => Cluster.BootstrapServers;

    public int NodeCount => _options.Brokers;

    public IReadOnlySet<FaultKind> SupportedFaults { get; }

    private LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    public async Task StartAsync(CancellationToken cancel)
    {
        var config = Path.Combine(_options.Directory, "server.properties");
        await File.WriteAllTextAsync(config, "group.initial.rebalance.delay.ms=0\n", cancel).ConfigureAwait(false);
        _network = _namespaces ? NetworkNamespaces.Create(_options.Brokers) : null;
        if (SupportedFaults.Contains(FaultKind.Disk))
        {
            for (var node = 0; node < _options.Brokers; node++)
            {
                _disks[node] = BallastDisk.Create(_options.DiskMegabytes);
            }
        }

        _cluster = await LocalCluster.StartAsync(_options.Directory, _options.Brokers, _network, _options.BrokerPath, ["--config", config, "--ack-durability", _options.AckDurability],
            _disks.Count == 0 ? null : _disks.ToDictionary(d => d.Key + 1, d => d.Value.DataDirectory)).WaitAsync(cancel).ConfigureAwait(false);
        await UntilAsync(admin => admin.GetMetadata(RequestTimeout).Brokers.Count == _options.Brokers ? true : (bool?)null, $"{_options.Brokers} registered brokers", cancel).ConfigureAwait(false);
    }

    public void Kill(int node)
    {
        Cluster.Kill(node + 1);
        _paused.Remove(node);
    }

    public Task RestartAsync(int node, CancellationToken cancel) => Cluster.StartAsync(node + 1).WaitAsync(cancel);

    public void Pause(int node)
    {
        Cluster[node + 1].Pause();
        _paused.Add(node);
    }

    public void Resume(int node)
    {
        Cluster[node + 1].Resume();
        _paused.Remove(node);
    }

    public void FillDisk(int node) => (_disks.GetValueOrDefault(node) ?? throw new InvalidOperationException("the cluster runs without disks to fill (--faults disk makes them)")).Fill();

    public void FreeDisk(int node) => _disks.GetValueOrDefault(node)?.Free();

    public Task<int> LeaderAsync(string topic, int partition, CancellationToken cancel) => UntilAsync(admin =>
    {
        var leader = admin.GetMetadata(topic, RequestTimeout).Topics.SingleOrDefault()?.Partitions.SingleOrDefault(p => p.PartitionId == partition)?.Leader;
        return leader > 0 && Cluster.IsRunning(leader.Value) ? leader - 1 : null;
    }, $"a running leader of {topic}-{partition}", cancel);

    public Task<int> ControllerAsync(CancellationToken cancel) => UntilAsync(async admin =>
    {
        var controller = (await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = RequestTimeout }).ConfigureAwait(false)).Controller?.Id;
        return controller > 0 && Cluster.IsRunning(controller.Value) ? controller - 1 : null;
    }, "a running controller", cancel);

    public void Cut(IReadOnlyCollection<int> sideA, IReadOnlyCollection<int> sideB) =>
        (_network ?? throw new InvalidOperationException("the cluster runs without network namespaces")).Cut([.. sideA.Select(n => n + 1)], [.. sideB.Select(n => n + 1)]);

    public void Reconnect() => _network?.Heal();

    public async Task RollingRestartAsync(string topic, CancellationToken cancel)
    {
        foreach (var id in Cluster.NodeIds.Order())
        {
            await Cluster.StopAsync(id).WaitAsync(cancel).ConfigureAwait(false);
            await Cluster.StartAsync(id).WaitAsync(cancel).ConfigureAwait(false);
            await UntilAsync(admin => admin.GetMetadata(topic, RequestTimeout).Topics.Single().Partitions.All(p => p.InSyncReplicas.Contains(id)) ? true : (bool?)null,
                $"broker {id} back in every ISR of {topic} after its restart", cancel).ConfigureAwait(false);
        }
    }

    public async Task HealAsync(CancellationToken cancel)
    {
        // A broker that died by itself (not one the schedule killed) is a finding, not something to restart quietly.
        if (Cluster.NodeIds.Where(Cluster.IsRunning).Select(id => (Id: id, Cluster[id].ExitCode)).FirstOrDefault(b => b.ExitCode is not null) is { ExitCode: { } code } exited)
        {
            throw new InvalidOperationException($"broker {exited.Id} exited by itself during the run (exit code {code}); its last lines are in broker-{exited.Id}.log");
        }

        Reconnect();
        foreach (var disk in _disks.Values)
        {
            disk.Free();
        }

        foreach (var node in _paused.ToList())
        {
            Resume(node);
        }

        foreach (var id in Cluster.NodeIds.Where(id => !Cluster.IsRunning(id)))
        {
            await Cluster.StartAsync(id).WaitAsync(cancel).ConfigureAwait(false);
        }

        await UntilAsync(admin => admin.GetMetadata(RequestTimeout).Brokers.Count == _options.Brokers ? true : (bool?)null, $"all {_options.Brokers} brokers registered after the heal", cancel).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in _paused.ToList())
        {
            Resume(node);
        }

        _cluster?.Dispose();
        _cluster = null;
        _network?.Dispose();
        _network = null;
        foreach (var data in Directory.EnumerateDirectories(_options.Directory, "broker-*"))
        {
            Directory.Delete(data, recursive: true);
        }

        foreach (var disk in _disks.Values)
        {
            disk.Dispose();
        }

        _disks.Clear();

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Asks the running brokers until <paramref name="answer"/> gives a value: right after a fault a
    /// broker may be gone, still electing, or telling an older image, so a lookup retries within <see cref="Patience"/>.
    /// </summary>
    private Task<T> UntilAsync<T>(Func<IAdminClient, T?> answer, string what, CancellationToken cancel)
        where T : struct => UntilAsync(admin => Task.FromResult(answer(admin)), what, cancel);

    private async Task<T> UntilAsync<T>(Func<IAdminClient, Task<T?>> answer, string what, CancellationToken cancel)
        where T : struct
    {
        var deadline = DateTime.UtcNow + Patience;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Cluster.BootstrapServers }).SetLogHandler(ClientSettings.IgnoreLog).Build();
        while (true)
        {
            try
            {
                if (await answer(admin).ConfigureAwait(false) is { } value)
                {
                    return value;
                }
            }
            catch (KafkaException)
            {
                // A broker that just died or does not lead yet: ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} not seen within {Patience.TotalSeconds} s");
            }

            await Task.Delay(RetryDelay, cancel).ConfigureAwait(false);
        }
    }
}
