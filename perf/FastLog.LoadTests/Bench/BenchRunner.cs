using System.Diagnostics;
using FastLog.LoadTests.Machine;
using FastLog.LoadTests.Scenarios;
using FastLog.Storage;
using FastLog.Testing;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// The whole benchmark in one go: this machine's limits, then against a fresh broker process:
/// max produce (acks=1, acks=all), tail latency at 25/50/75 % of the max rate, filling a large
/// topic, catch-up read of it, clean and unclean restart on it, and RSS with idle partitions.
/// Each phase prints progress lines; the figures go into a <see cref="BenchReport"/>.
/// </summary>
internal sealed class BenchRunner(BenchOptions options, TextWriter progress)
{
    private static readonly int[] LatencyPercents = [25, 50, 75];
    private const int DurableLatencyPercent = 25;
    private const string LargeTopic = "large";
    private readonly BenchScenarios _scenarios = new(options);

    public async Task<BenchReport> RunAsync()
    {
        var started = DateTimeOffset.Now;
        Directory.CreateDirectory(options.OutputDirectory);
        CheckFreeSpace();
        var work = Directory.CreateDirectory(Path.Combine(options.WorkDirectory, $"fastlog-bench-{Guid.NewGuid():N}"));
        try
        {
            var limits = MachineLimits.Measure(work.FullName, new StorageOptions().MaxFlushBytes, options.DiskProbeBytesPerStream, options.ProbeDuration, progress);
            return await RunBrokerPhasesAsync(started, limits, work.FullName);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task<BenchReport> RunBrokerPhasesAsync(DateTimeOffset started, MachineLimits limits, string work)
    {
        string logPath = Path.Combine(options.OutputDirectory, "broker.log");
        string dataDirectory = Path.Combine(work, "data");
        int port = BrokerProcess.FreePort();
        var broker = await StartBrokerAsync(dataDirectory, port, logPath, "--partitions", options.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            // JIT and tiered compilation of broker and clients: unmeasured, or the first run pays for
            // it. One consumer tails it so the fetch path is compiled too, not during the latency runs.
            await RunAsync(broker, _scenarios.Throughput("jit-warm-up", "warm-up", acks: 1) with { Warmup = TimeSpan.Zero, Duration = options.JitWarmup, Consumers = 1 });
            var acks1 = await RunAsync(broker, _scenarios.Throughput("produce-acks1", "max-acks1", acks: 1));
            var acks1Wire = await RunAsync(broker, BenchScenarios.Wire(_scenarios.Throughput("produce-acks1-wire", "max-acks1-wire", acks: 1)));
            var acksAll = await RunAsync(broker, _scenarios.Throughput("produce-acksall", "max-acksall", acks: -1));
            var acksAllWire = await RunAsync(broker, BenchScenarios.Wire(_scenarios.Throughput("produce-acksall-wire", "max-acksall-wire", acks: -1)));

            // Durable ack latency at a paced load (25 % of the acks=all maximum): the closed-model
            // run above keeps 20,000 records queued in the client, so its ack p99 is queueing.
            var durableLatency = await RunAsync(broker, _scenarios.Paced($"durable-latency-{DurableLatencyPercent}pct", "durable-latency", acksAll.ProduceRecordsPerSecond * DurableLatencyPercent / 100) with
            {
                Acks = -1,
                Consumers = 0,
            });
            var durableLatencyWire = await RunAsync(broker, BenchScenarios.Wire(_scenarios.Paced($"durable-latency-{DurableLatencyPercent}pct-wire", "durable-latency-wire", acksAllWire.ProduceRecordsPerSecond * DurableLatencyPercent / 100)) with
            {
                Acks = -1,
                Consumers = 0,
            });
            var latencyWire = new LatencyRun(LatencyPercents[0], await RunAsync(broker, BenchScenarios.Wire(_scenarios.Paced($"latency-{LatencyPercents[0]}pct-wire", $"latency-{LatencyPercents[0]}-wire", acks1Wire.ProduceRecordsPerSecond * LatencyPercents[0] / 100))));
            var latency = new List<LatencyRun>();
            foreach (int percent in LatencyPercents)
            {
                // Of the acks=1 maximum (closed model, linger 5 ms): the issue's definition of load.
                latency.Add(new LatencyRun(percent, await RunAsync(broker, _scenarios.Paced($"latency-{percent}pct", $"latency-{percent}", acks1.ProduceRecordsPerSecond * percent / 100))));
            }

            var fill = await RunAsync(broker, _scenarios.Throughput("fill-large-log", LargeTopic, acks: 1) with
            {
                Warmup = TimeSpan.Zero,
                Duration = TimeSpan.FromHours(1),
                MaxBytes = options.LargeLogBytes,
            });
            var catchUp = await RunAsync(broker, CatchUp("catch-up"), evictFrom: dataDirectory);
            var catchUpWire = await RunAsync(broker, BenchScenarios.Wire(CatchUp("catch-up-wire")), evictFrom: dataDirectory);
            var catchUpWireCached = await RunAsync(broker, BenchScenarios.Wire(CatchUp("catch-up-wire-cached")));

            progress.WriteLine($"[restart] SIGTERM, then start on the {fill.ProducedBytes / (1 << 20)} MiB data dir");
            long stopping = Stopwatch.GetTimestamp();
            await broker.TerminateAsync();
            var shutdown = Stopwatch.GetElapsedTime(stopping);
            broker.Dispose();
            broker = await StartBrokerAsync(dataDirectory, port, logPath);
            var cleanRestart = broker.StartupTime;
            var cleanRestartBrokerMs = broker.ReportedReadyMs;
            progress.WriteLine($"[restart] clean stop {shutdown.TotalMilliseconds:F0} ms, serving after {cleanRestart.TotalMilliseconds:F0} ms; now SIGKILL and start again");
            broker.Kill();
            broker.Dispose();
            broker = await StartBrokerAsync(dataDirectory, port, logPath);
            var uncleanRestart = broker.StartupTime;
            var uncleanRestartBrokerMs = broker.ReportedReadyMs;
            progress.WriteLine($"[restart] after SIGKILL serving after {uncleanRestart.TotalMilliseconds:F0} ms");
            broker.Dispose();

            var (emptyRss, idleRss, idleCores) = await MeasureIdlePartitionsAsync(Path.Combine(work, "idle"), port, logPath);
            return new BenchReport
            {
                StartedAt = started,
                Quick = options.Quick,
                Limits = limits,
                ProduceAcks1 = acks1,
                ProduceAcksAll = acksAll,
                ProduceAcks1Wire = acks1Wire,
                ProduceAcksAllWire = acksAllWire,
                DurableLatency = durableLatency,
                Latency = latency,
                DurableLatencyWire = durableLatencyWire,
                LatencyWire = latencyWire,
                Fill = fill,
                CatchUp = catchUp,
                CatchUpWire = catchUpWire,
                CatchUpWireCached = catchUpWireCached,
                LargeLogBytes = fill.ProducedBytes,
                CleanShutdown = shutdown,
                CleanRestart = cleanRestart,
                UncleanRestart = uncleanRestart,
                CleanRestartBrokerMs = cleanRestartBrokerMs,
                UncleanRestartBrokerMs = uncleanRestartBrokerMs,
                EmptyBrokerRssBytes = emptyRss,
                IdlePartitions = options.IdlePartitions,
                IdlePartitionsRssBytes = idleRss,
                IdlePartitionsCores = idleCores,
            };
        }
        finally
        {
            broker.Dispose();
        }
    }

    /// <summary>
    /// The broker under test on the bench's fixed port, so its address survives restarts, its output
    /// appended to the run's broker log. Recovering the large log after SIGKILL may take minutes.
    /// </summary>
    private Task<BrokerProcess> StartBrokerAsync(string dataDirectory, int port, string logPath, params string[] arguments) =>
        BrokerProcess.StartAsync(new BrokerProcessOptions
        {
            BrokerDll = options.BrokerDll,
            DataDirectory = dataDirectory,
            Port = port,
            LogPath = logPath,
            Arguments = arguments,
            StartTimeout = TimeSpan.FromMinutes(5),
        });

    /// <summary>
    /// Refuses to start without room for the large log, the disk probes and one flat-out run at
    /// 1 GB/s (each run's topic is deleted after it): a disk that fills up mid-run fails the
    /// broker's writes and wastes the run.
    /// </summary>
    private void CheckFreeSpace()
    {
        var drive = new DriveInfo(Directory.CreateDirectory(options.WorkDirectory).FullName);
        long needed = options.LargeLogBytes + (4 * options.DiskProbeBytesPerStream) + (long)((options.Warmup + options.ThroughputDuration).TotalSeconds * 1e9);
        if (drive.AvailableFreeSpace < needed)
        {
            throw new IOException($"{options.WorkDirectory} has {drive.AvailableFreeSpace / 1e9:F1} GB free; the bench needs about {needed / 1e9:F0} GB (--work-dir PATH to use another disk)");
        }
    }

    /// <summary>
    /// RSS of a fresh broker, then RSS and CPU (cores, over one settle period) with one topic of
    /// <see cref="BenchOptions.IdlePartitions"/> partitions and no traffic: every open partition
    /// keeps a housekeeping timer, which is what an idle broker spends its CPU on.
    /// </summary>
    private async Task<(long Empty, long Idle, double IdleCores)> MeasureIdlePartitionsAsync(string dataDirectory, int port, string logPath)
    {
        using var broker = await StartBrokerAsync(dataDirectory, port, logPath, "--partitions", options.IdlePartitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sampler = new ProcessSampler(broker.ProcessId);
        await Task.Delay(options.IdleSettle);
        long empty = sampler.RssBytes();
        progress.WriteLine($"[idle] empty broker RSS {empty >> 20} MiB; creating a topic of {options.IdlePartitions} partitions");
        var partitions = await TopicSetup.EnsureTopicAsync(new ScenarioOptions { BootstrapServers = broker.BootstrapServers, Topic = "idle", Partitions = options.IdlePartitions });
        await Task.Delay(options.IdleSettle);
        long idle = sampler.RssBytes();
        double cpuBefore = sampler.CpuSeconds();
        var measured = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(options.IdleSettle);
        double idleCores = (sampler.CpuSeconds() - cpuBefore) / measured.Elapsed.TotalSeconds;
        progress.WriteLine($"[idle] {partitions.Count} idle partitions: RSS {idle >> 20} MiB, CPU {idleCores:F3} cores");
        return (empty, idle, idleCores);
    }

    /// <summary>Runs <paramref name="scenario"/> against <paramref name="broker"/>; with <paramref name="evictFrom"/>, a data directory whose segment files are first dropped from the page cache, so the run reads them from disk.</summary>
    private async Task<ScenarioResult> RunAsync(BrokerProcess broker, ScenarioOptions scenario, string? evictFrom = null)
    {
        if (evictFrom is not null)
        {
            int evicted = PageCache.Evict(evictFrom, ".log");
            progress.WriteLine($"[{scenario.Name}] evicted {evicted} segment files from the page cache");
        }

        long started = Stopwatch.GetTimestamp();
        scenario = scenario with { BootstrapServers = broker.BootstrapServers };
        ScenarioResult result;
        try
        {
            result = await new ScenarioRunner(scenario, new ProcessSampler(broker.ProcessId), progress).RunAsync();
        }
        finally
        {
            if (scenario.Topic != LargeTopic)
            {
                // Flat-out runs write tens of GB each: only the large log is kept (catch-up, restart).
                await TopicSetup.DeleteTopicAsync(scenario);
            }
        }

        WriteSummary(progress, result, Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <summary>A finished run's one-line summary on the progress output.</summary>
    internal static void WriteSummary(TextWriter progress, ScenarioResult result, TimeSpan took) =>
        progress.WriteLine($"[{result.Name}] produce {result.ProduceMBps:F1} MB/s ({result.ProduceRecordsPerSecond:F0} rec/s), consume {result.ConsumeMBps:F1} MB/s, "
            + $"ack p50 {result.Ack.P50 / 1000:F2} ms, ack p99 {result.Ack.P99 / 1000:F2} ms, e2e p99 {result.EndToEnd.P99 / 1000:F2} ms, broker {result.BrokerCpuSecondsPerGB:F2} CPU-s/GB, "
            + $"load generator {result.LoadGeneratorCores:F2} cores, errors {result.Errors}, took {took.TotalSeconds:F1} s"
            + (result.LoadGeneratorProblems.Count > 0 ? $"; LOAD GENERATOR SATURATED: {string.Join("; ", result.LoadGeneratorProblems)}" : ""));

    /// <summary>The large topic read from its start to its end offsets at the start of the run.</summary>
    private ScenarioOptions CatchUp(string name) => _scenarios.Base(name, LargeTopic) with
    {
        CatchUp = true,
        Producers = 0,
        Consumers = options.CatchUpConsumers,
        Warmup = TimeSpan.Zero,
        Duration = TimeSpan.FromMinutes(30),
    };
}
