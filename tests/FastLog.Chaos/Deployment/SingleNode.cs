using FastLog.Chaos.Faults;
using FastLog.Testing;

namespace FastLog.Chaos.Deployment;

/// <summary>
/// One real `fastlog serve` process (Testing's <see cref="BrokerProcess"/>) on a fixed loopback
/// port, restarted on the same data directory and port after a kill. With <see cref="FaultKind.Disk"/>
/// among its faults the data directory lives on a <see cref="BallastDisk"/>. The broker's output goes to <c>broker.log</c> in the report directory.
/// It runs with <c>group.initial.rebalance.delay.ms=0</c> (as Kafka's own test setups do): FastLog keeps
/// no group membership across a restart, so after every kill the group forms again from empty, and
/// the default 3 s delay (extended per joining member) would leave the group reading little between faults.
/// Threads: one caller at a time (the run's fault task), as <see cref="ISystemUnderTest"/> says.
/// </summary>
internal sealed class SingleNode : ISystemUnderTest
{
    private readonly SingleNodeOptions _options;
    private BallastDisk? _disk;
    private string? _dataDirectory;
    private string? _tempDirectory;
    private string? _configPath;
    private BrokerProcess? _broker;
    private int _port;
    private bool _paused;

    public SingleNode(SingleNodeOptions options)
    {
        _options = options;
        // The faults asked for that one node can take: the others are refused before the start.
        SupportedFaults = options.Faults.Intersect([FaultKind.Kill, FaultKind.Pause, FaultKind.Disk]).ToHashSet();
    }

    public string Description => $"one fastlog node (--ack-durability {_options.AckDurability}, group.initial.rebalance.delay.ms=0), data on {(_disk is null ? "a temp dir" : $"a {_options.DiskMegabytes} MiB loop-mounted ext4")}";

    public string BootstrapServers => $"127.0.0.1:{_port}";

    public int NodeCount => 1;

    public IReadOnlySet<FaultKind> SupportedFaults { get; }

    public async Task StartAsync(CancellationToken cancel)
    {
        _tempDirectory = Directory.CreateTempSubdirectory("fastlog-chaos-").FullName;
        _configPath = Path.Combine(_tempDirectory, "server.properties");
        await File.WriteAllTextAsync(_configPath, "group.initial.rebalance.delay.ms=0\n", cancel).ConfigureAwait(false);
        if (SupportedFaults.Contains(FaultKind.Disk))
        {
            _disk = BallastDisk.Create(_options.DiskMegabytes);
            _dataDirectory = _disk.DataDirectory;
        }
        else
        {
            _dataDirectory = Path.Combine(_tempDirectory, "data");
        }

        _port = BrokerProcess.StablePort();
        await RestartAsync(0, cancel).ConfigureAwait(false);
    }

    public void Kill(int node)
    {
        _broker?.Dispose(); // SIGKILL, then waits for the exit and the output to drain
        _broker = null;
        _paused = false;
    }

    public async Task RestartAsync(int node, CancellationToken cancel)
    {
        _broker = await BrokerProcess.StartAsync(new BrokerProcessOptions
        {
            DataDirectory = _dataDirectory!,
            BrokerDll = _options.BrokerPath,
            Port = _port,
            Arguments = ["--config", _configPath!, "--ack-durability", _options.AckDurability],
            LogPath = _options.LogPath,
            StartTimeout = TimeSpan.FromMinutes(2),
        }).WaitAsync(cancel).ConfigureAwait(false);
    }

    public void Pause(int node)
    {
        _broker?.Pause();
        _paused = _broker is not null;
    }

    public void Resume(int node)
    {
        _broker?.Resume();
        _paused = false;
    }

    public void FillDisk(int node) => (_disk ?? throw new InvalidOperationException("no loop-mounted data disk to fill")).Fill();

    public void FreeDisk(int node) => _disk?.Free();

    public async Task HealAsync(CancellationToken cancel)
    {
        FreeDisk(0);
        if (_paused)
        {
            Resume(0);
        }

        if (_broker is null)
        {
            await RestartAsync(0, cancel).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_paused)
        {
            Resume(0);
        }

        _broker?.Dispose();
        _broker = null;
        _disk?.Dispose();
        if (_tempDirectory is not null && Directory.Exists(_tempDirectory))
        {
            Directory.Delete(_tempDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
