using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Chaos.Checking;
using FastLog.Chaos.Deployment;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;
using FastLog.Chaos.Workload;

namespace FastLog.Chaos;

/// <summary>
/// One run: start the system, create the run's topic, run the workload, inject the seeded
/// schedule of faults the system supports, heal, stop the workload, read everything back, check.
/// Every wait is bounded; the workload threads are stopped and joined on every path.
/// </summary>
internal static class ChaosRun
{
    /// <summary>How long acks=1 "written" data may take to become durable beyond log.flush.interval.ms: the fdatasync itself, on a shared disk.</summary>
    public const int FlushGraceMs = 500;

    /// <summary>Kafka's smallest segment.bytes (1 MiB): at the default rate a partition rolls every ~30 s.</summary>
    private const int SmallSegmentBytes = 1 << 20;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    public static async Task<RunReport> ExecuteAsync(ChaosOptions options, ISystemUnderTest system, TextWriter progress, CancellationToken cancel, TextWriter? producerLog = null)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var kinds = (options.Faults ?? [.. system.SupportedFaults]).Where(system.SupportedFaults.Contains).Order().ToArray();
        var unsupported = (options.Faults ?? []).Except(kinds).ToArray();
        if (unsupported.Length > 0)
        {
            throw new ArgumentException($"{system.Description} cannot take the fault(s) {string.Join(", ", unsupported.Select(FaultKinds.Name))}");
        }

        await system.StartAsync(cancel).ConfigureAwait(false);
        var replicationFactor = options.ReplicationFactor ?? (short)(system.NodeCount >= 3 ? 3 : 1);
        var workload = new WorkloadOptions
        {
            SegmentBytes = kinds.Contains(FaultKind.Disk) ? SmallSegmentBytes : null,
            Topic = string.Create(CultureInfo.InvariantCulture, $"chaos-{started:yyyyMMdd-HHmmss}-{options.Seed}"),
            Partitions = options.Partitions,
            ReplicationFactor = replicationFactor,
            // Jepsen's Kafka lost acknowledged writes to a leader whose ISR had shrunk to itself: two in sync bar that.
            MinInsyncReplicas = options.MinInsyncReplicas ?? (replicationFactor >= 3 ? (short)2 : null),
            Producers = options.Producers,
            Rate = options.Rate,
            AcksAll = options.AcksAll,
            MessageTimeoutMs = system.NodeCount > 1 ? ClusterMessageTimeoutMs : WorkloadOptions.DefaultMessageTimeoutMs,
        };
        var (flushIntervalMs, durability) = await PrepareAsync(system.BootstrapServers, workload).ConfigureAwait(false);
        var policy = options.AcksAll ? CheckPolicy.Strict : new CheckPolicy
        {
            AtLeastOnce = true,
            LossWindowMs = durability == "durable" ? null : (flushIntervalMs ?? 0) + FlushGraceMs,
        };
        var history = new RunHistory();
        using var stopProducers = new CancellationTokenSource();
        using var stopReaders = new CancellationTokenSource();
        var sessions = new StrongBox<int>();
        var readers = new List<Task> { Start(() => new AssignedReader(system.BootstrapServers, workload, history).Run(stopReaders.Token)) };
        readers.AddRange(Enumerable.Range(0, workload.GroupConsumers).Select(i => Start(() => new GroupReader(i, system.BootstrapServers, workload, history, sessions).Run(stopReaders.Token))));
        var producers = Enumerable.Range(0, workload.Producers).Select(i => Start(() => new ProducerWorker(i, system.BootstrapServers, workload, history, producerLog).Run(stopProducers.Token))).ToList();
        Exception? failure = null;
        try
        {
            await WaitWorkloadAsync(history, sessions, cancel).ConfigureAwait(false);
            var schedule = FaultSchedule.Create(options.Seed, kinds.Length == 0 ? 0 : options.Cycles, kinds, system.NodeCount, options.Timing, workload.Partitions, options.FaultCounts);
            await InjectAsync(options, system, workload.Topic, history, schedule, progress, cancel).ConfigureAwait(false);
            await system.HealAsync(cancel).ConfigureAwait(false);
            await Task.Delay(Settle, cancel).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e; // rethrown once the workload is stopped
        }

        try
        {
            await StopAsync(stopProducers, producers).ConfigureAwait(false);
            await Task.Delay(Settle, CancellationToken.None).ConfigureAwait(false); // the readers catch up with the last writes
            await StopAsync(stopReaders, readers).ConfigureAwait(false);
        }
        catch (TimeoutException) when (failure is not null)
        {
            // Workers stuck on a broker that is gone: the run's own failure is what to report.
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        progress.WriteLine($"faults done; {history.Writes.Count} writes, {history.Reads.Count} reads; final read");
        await Task.Run(() => FinalRead.Run(system.BootstrapServers, workload, history), cancel).ConfigureAwait(false);
        var result = QueueChecker.Check(history, policy);
        return new RunReport
        {
            Options = options,
            System = system.Description,
            Workload = workload,
            FaultKinds = kinds,
            FlushIntervalMs = flushIntervalMs,
            AckDurability = durability,
            Policy = policy,
            History = history,
            Result = result,
            DuplicateOrigins = result.Findings.Any(f => f.Kind == ViolationKind.Duplicated && !f.ByDesign)
                ? await StoredBatches.DescribeAsync(system.BootstrapServers, workload.Topic, DuplicatedPlaces(history), DescribedPlaces, cancel).ConfigureAwait(false)
                : [],
            StartedUtc = started,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>How many stored copies of duplicated records the report describes by their batches.</summary>
    private const int DescribedPlaces = 12;

    /// <summary>
    /// message.timeout.ms of a cluster's producers. A fault and the failover after it (a split holds
    /// up to 12 s before the elections) can stall a partition past the single node's 15 s; a delivery
    /// that times out makes librdkafka bump its producer epoch and send what is still queued again
    /// from sequence 0, so records can be stored twice without the broker's idempotence ever seeing
    /// a retry (soak seed 7: 8,635 such copies of writes reported as timed out). A minute keeps
    /// deliveries waiting through any fault of the schedule, so a duplicate is the broker's.
    /// </summary>
    private const int ClusterMessageTimeoutMs = 60_000;

    /// <summary>Where the final read found records stored more than once: every copy of each, the records in the order of their first copy.</summary>
    private static IEnumerable<(int Partition, long Offset)> DuplicatedPlaces(RunHistory history) =>
        history.FinalRead.GroupBy(r => r.Value, StringComparer.Ordinal)
            .Select(g => g.Select(r => (r.Partition, r.Offset)).Distinct().Order().ToList())
            .Where(copies => copies.Count > 1)
            .OrderBy(copies => copies[0])
            .SelectMany(copies => copies);

    private static async Task InjectAsync(ChaosOptions options, ISystemUnderTest system, string topic, RunHistory history, IReadOnlyList<ScheduledFault> schedule, TextWriter progress, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        var duration = options.Duration ?? (schedule.Count == 0 ? DefaultDuration : TimeSpan.MaxValue);
        if (schedule.Count == 0)
        {
            await Task.Delay(duration, cancel).ConfigureAwait(false);
            return;
        }

        foreach (var fault in schedule)
        {
            if (deadline.Elapsed >= duration)
            {
                progress.WriteLine($"--duration reached after {fault.Index} faults");
                break;
            }

            await Task.Delay(fault.LoadBefore, cancel).ConfigureAwait(false);
            await FaultInjector.ApplyAsync(fault, system, topic, history, cancel).ConfigureAwait(false);
            if ((fault.Index + 1) % 10 == 0 || fault.Index + 1 == schedule.Count)
            {
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fault {fault.Index + 1}/{schedule.Count} ({fault.Kind.Name()}), {history.Acknowledged} writes acknowledged so far, {deadline.Elapsed.TotalSeconds:F0} s"));
            }
        }
    }

    /// <summary>Creates the run's topic and reads the broker's flush interval and ack durability (null when it does not describe them).</summary>
    private static async Task<(long? FlushIntervalMs, string? AckDurability)> PrepareAsync(string bootstrapServers, WorkloadOptions workload)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler(ClientSettings.IgnoreLog).Build();
        var configs = new Dictionary<string, string>();
        if (workload.SegmentBytes is { } segment)
        {
            configs["segment.bytes"] = segment.ToString(CultureInfo.InvariantCulture);
        }

        if (workload.MinInsyncReplicas is { } minInsync)
        {
            configs["min.insync.replicas"] = minInsync.ToString(CultureInfo.InvariantCulture);
        }

        await admin.CreateTopicsAsync([new TopicSpecification { Name = workload.Topic, NumPartitions = workload.Partitions, ReplicationFactor = workload.ReplicationFactor, Configs = configs }]).ConfigureAwait(false);
        var brokerId = admin.GetMetadata(AdminTimeout).Brokers[0].BrokerId;
        try
        {
            var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = brokerId.ToString(CultureInfo.InvariantCulture) }]).ConfigureAwait(false);
            var entries = described[0].Entries;
            long? interval = entries.TryGetValue("log.flush.interval.ms", out var flush) && long.TryParse(flush.Value, CultureInfo.InvariantCulture, out var ms) ? ms : null;
            return (interval, entries.TryGetValue("fastlog.ack.durability", out var durability) ? durability.Value : null);
        }
        catch (KafkaException)
        {
            return (null, null); // a broker that does not describe its configs: the report says "unknown"
        }
    }

    /// <summary>Faults start once writes are acknowledged and the group has assigned its partitions (its first join waits out the initial rebalance delay).</summary>
    private static async Task WaitWorkloadAsync(RunHistory history, StrongBox<int> sessions, CancellationToken cancel)
    {
        var waited = Stopwatch.StartNew();
        while (history.Acknowledged == 0 || Volatile.Read(ref sessions.Value) == 0)
        {
            if (waited.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"within {StartTimeout.TotalSeconds} s of the start: {history.Acknowledged} writes acknowledged, {Volatile.Read(ref sessions.Value)} group assignments");
            }

            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
    }

    private static Task Start(Action body) => Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Producers flush for up to message.timeout.ms; a consumer's close can block while the broker
    /// is unreachable (after a failed restart): past <see cref="StopTimeout"/> the run gives up on
    /// them (their threads are background threads and end with the process).
    /// </summary>
    private static async Task StopAsync(CancellationTokenSource stop, List<Task> workers)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).WaitAsync(StopTimeout).ConfigureAwait(false);
    }
}
