using System.Diagnostics;
using FastLog.LoadTests.Machine;
using FastLog.LoadTests.Scenarios;
using FastLog.Testing;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// What replication costs, in one run on one machine and build (`bench --replication`): every
/// <see cref="ReplicationSetup"/> in turn on fresh brokers (a `fastlog serve` child process, or a
/// <see cref="LocalCluster"/> of three), each broker with one shard as LocalCluster starts them, so
/// the setups differ only in replication. Per setup: an unmeasured JIT warm-up, a flat-out run
/// (throughput) and a paced run at the rate every setup is offered (ack latency at equal load).
/// </summary>
internal sealed class ReplicationRunner(BenchOptions options, TextWriter progress)
{
    /// <summary>
    /// The latency runs' offered load, in % of the single node's acks=all maximum. Light: at linger 0
    /// a replicated setup pays per request (follower fetches, ISR bookkeeping) what the flat-out
    /// runs spread over large batches, and on 2 cores 10 % already saturated the clusters.
    /// </summary>
    public const int LatencyLoadPercent = 5;

    private readonly BenchScenarios _scenarios = new(options);

    public async Task<ReplicationReport> RunAsync()
    {
        var started = DateTimeOffset.Now;
        Directory.CreateDirectory(options.OutputDirectory);
        var work = Directory.CreateDirectory(Path.Combine(options.WorkDirectory, $"fastlog-replication-{Guid.NewGuid():N}"));
        try
        {
            var runs = new List<ReplicationRun>();
            foreach (var setup in ReplicationSetup.All)
            {
                // The baseline's own maximum sets the latency runs' load, for it and every later setup.
                runs.Add(await RunSetupAsync(setup, runs.FirstOrDefault()?.Throughput, work.FullName));
            }

            return new ReplicationReport
            {
                StartedAt = started,
                Quick = options.Quick,
                Machine = MachineDescription.Describe(work.FullName),
                LatencyRate = runs[0].Latency.Options.Rate,
                Runs = runs,
            };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task<ReplicationRun> RunSetupAsync(ReplicationSetup setup, ScenarioResult? baseline, string work)
    {
        string root = Directory.CreateDirectory(Path.Combine(work, setup.Name)).FullName;
        double loadAverage = LoadAverage();
        progress.WriteLine($"[{setup.Name}] {setup.Description}; load average {loadAverage:F2}");
        try
        {
            using var brokers = await StartAsync(setup, root);
            await RunAsync(brokers, Throughput(setup, "jit-warm-up", "warm-up") with { Warmup = TimeSpan.Zero, Duration = options.JitWarmup });
            var throughput = await RunAsync(brokers, Throughput(setup, $"{setup.Name}-max", "max"));
            double rate = (baseline ?? throughput).ProduceRecordsPerSecond * LatencyLoadPercent / 100;
            var latency = await RunAsync(brokers, Replicated(setup, _scenarios.Paced($"{setup.Name}-latency-{LatencyLoadPercent}pct", "latency", rate)) with
            {
                Consumers = 0,
                Duration = options.ReplicationDuration,
            });
            return new ReplicationRun(setup, loadAverage, throughput, latency);
        }
        finally
        {
            foreach (var log in Directory.EnumerateFiles(root, "broker-*.log"))
            {
                File.Copy(log, Path.Combine(options.OutputDirectory, $"{setup.Name}-{Path.GetFileName(log)}"), overwrite: true);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The machine's 1-minute load average (the first field of /proc/loadavg).</summary>
    private static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The setup's brokers on fresh data directories under <paramref name="root"/>, logs as
    /// root/broker-N.log. A cluster's brokers read replica.flush.before.fetch from a server.properties.
    /// </summary>
    private async Task<Brokers> StartAsync(ReplicationSetup setup, string root)
    {
        if (setup.Brokers == 1 && !setup.Quorum)
        {
            var broker = await BrokerProcess.StartAsync(new BrokerProcessOptions
            {
                BrokerDll = options.BrokerDll,
                DataDirectory = Path.Combine(root, "broker-1"),
                LogPath = Path.Combine(root, "broker-1.log"),
                Arguments = ["--shards", "1"],
            });
            return new Brokers(broker.BootstrapServers, new ProcessSampler(broker.ProcessId), broker);
        }

        string config = Path.Combine(root, "server.properties");
        await File.WriteAllTextAsync(config, $"replica.flush.before.fetch={(setup.FlushBeforeFetch ? "true" : "false")}\n");
        var cluster = await LocalCluster.StartAsync(root, setup.Brokers, network: null, options.BrokerDll, ["--config", config]);
        return new Brokers(cluster.BootstrapServers, new ProcessSampler(cluster.ProcessIds), cluster);
    }

    private async Task<ScenarioResult> RunAsync(Brokers brokers, ScenarioOptions scenario)
    {
        long started = Stopwatch.GetTimestamp();
        var result = await new ScenarioRunner(scenario with { BootstrapServers = brokers.BootstrapServers }, brokers.Sampler, progress).RunAsync();
        BenchRunner.WriteSummary(progress, result, Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <summary>Flat out with the setup's acks, for the replication runs' duration.</summary>
    private ScenarioOptions Throughput(ReplicationSetup setup, string name, string topic) =>
        Replicated(setup, _scenarios.Throughput(name, topic, setup.Acks)) with { Duration = options.ReplicationDuration };

    /// <summary><paramref name="scenario"/> on the setup's topic (replication factor, min.insync.replicas) with its acks.</summary>
    private static ScenarioOptions Replicated(ReplicationSetup setup, ScenarioOptions scenario) => scenario with
    {
        ReplicationFactor = setup.ReplicationFactor,
        MinInSyncReplicas = setup.MinInSyncReplicas,
        Acks = setup.Acks,
    };

    /// <summary>One setup's brokers: where clients connect, the processes sampled for CPU and RSS, and what stops them.</summary>
    private sealed record Brokers(string BootstrapServers, ProcessSampler Sampler, IDisposable Processes) : IDisposable
    {
        public void Dispose() => Processes.Dispose();
    }
}
