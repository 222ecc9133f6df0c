using System.Diagnostics;
using Confluent.Kafka;
using FastLog.LoadTests.Bench;
using FastLog.LoadTests.Wire;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// Runs one scenario: sets up the topic, starts consumers then producers on their own threads,
/// and samples every interval on the calling thread (counters, interval histograms, the broker's
/// CPU and RSS when a <see cref="ProcessSampler"/> is given), printing a progress line.
/// </summary>
internal sealed class ScenarioRunner(ScenarioOptions options, ProcessSampler? broker = null, TextWriter? progress = null)
{
    /// <summary>
    /// How long consumers get after the producers finished to read what was acknowledged: half the
    /// run, 1 to 15 s (consumers that need longer fell behind, which the result says).
    /// </summary>
    private TimeSpan DrainTimeout => TimeSpan.FromSeconds(Math.Clamp(options.Duration.TotalSeconds / 2, 1, 15));

    private readonly TextWriter _progress = progress ?? Console.Error;

    public async Task<ScenarioResult> RunAsync(CancellationToken cancel = default)
    {
        options.Validate();
        var partitions = await TopicSetup.EnsureTopicAsync(options);
        var watermarks = TopicSetup.Watermarks(options, partitions);
        var meter = new ScenarioMeter();
        var consumers = new List<IConsumerWorker>();
        var producers = new List<IProducerWorker>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            // Filled inside the try: a client that fails to connect still disposes those made before it.
            AddConsumers(consumers, meter, partitions, watermarks);
            AddProducers(producers, meter, partitions);
            return RunWorkers(meter, partitions.Count, producers, consumers, stop);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var worker in producers)
            {
                worker.Dispose();
            }

            foreach (var worker in consumers)
            {
                worker.Dispose();
            }
        }
    }

    private ScenarioResult RunWorkers(ScenarioMeter meter, int partitionCount, List<IProducerWorker> producers, List<IConsumerWorker> consumers, CancellationTokenSource stop)
    {
        long started = Stopwatch.GetTimestamp();
        long intervalTicks = (long)(options.Interval.TotalSeconds * Stopwatch.Frequency);
        int warmupIntervals = (int)Math.Ceiling(options.Warmup / options.Interval);
        long warmupEnd = started + (warmupIntervals * intervalTicks);
        long stopAt = options.CatchUp ? long.MaxValue : warmupEnd + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        long catchUpDeadline = started + (long)((options.Warmup + options.Duration).TotalSeconds * Stopwatch.Frequency);

        // The sampler's first snapshot comes before any worker runs: taken after, it would leave out
        // the records the first requests carried while their acknowledgements still counted.
        var sampler = new IntervalSampler(meter, broker, started, warmupIntervals);
        var consumerThreads = consumers.Select(c => StartThread(() => c.Run(stop.Token), "consumer")).ToList();
        var producerThreads = producers.Select(p => StartThread(() => p.Run(started, stopAt, stop.Token), "producer")).ToList();
        try
        {
            return Sample(meter, partitionCount, sampler, new Schedule(started, intervalTicks, stopAt, catchUpDeadline), producerThreads, consumers);
        }
        finally
        {
            // Also when sampling failed: workers are disposed after this, never while they run.
            stop.Cancel();
            foreach (var thread in consumerThreads.Concat(producerThreads))
            {
                thread.Join();
            }
        }
    }

    /// <summary>Samples every interval until the producers finished and the consumers drained (tail) or caught up (catch-up).</summary>
    private ScenarioResult Sample(ScenarioMeter meter, int partitionCount, IntervalSampler sampler, Schedule schedule, List<Thread> producerThreads, List<IConsumerWorker> consumers)
    {
        var (started, intervalTicks, stopAt, catchUpDeadline) = schedule;

        long producersDoneAt = options.CatchUp ? started : 0;
        long consumedWhenProducersDone = 0;
        long drainDeadline = long.MaxValue;
        bool ProducersFinished() => producersDoneAt == 0 && producerThreads.All(t => !t.IsAlive);
        bool CaughtUp() => options.CatchUp && consumers.All(c => c.IsCaughtUp);
        while (true)
        {
            SleepUntil(Math.Min(sampler.NextBoundary(intervalTicks), drainDeadline), () => ProducersFinished() || CaughtUp());
            long now = Stopwatch.GetTimestamp();
            if (ProducersFinished())
            {
                producersDoneAt = now;
                consumedWhenProducersDone = meter.ConsumedRecords;
                drainDeadline = now + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
            }

            // Tail runs end once consumers read everything acknowledged (or the drain times out).
            bool done = options.CatchUp
                ? CaughtUp() || now >= catchUpDeadline
                : producersDoneAt != 0 && (consumers.Count == 0 || meter.ConsumedRecords >= meter.AckedRecords || now >= drainDeadline);
            var interval = sampler.Sample(now);
            _progress.WriteLine(ProgressLine(interval, now - started, (options.CatchUp ? catchUpDeadline : stopAt) - started));
            if (done)
            {
                break;
            }
        }

        return sampler.Result(options, partitionCount, producersDoneAt, consumedWhenProducersDone, meter.Errors);
    }

    private void AddConsumers(List<IConsumerWorker> consumers, ScenarioMeter meter, IReadOnlyList<int> partitions, Dictionary<int, (long Start, long End)> watermarks)
    {
        int count = Math.Min(options.Consumers, partitions.Count);
        for (int i = 0; i < count; i++)
        {
            var mine = partitions.Where((_, index) => index % count == i).ToList();
            var catchUpEnds = options.CatchUp ? mine.ToDictionary(p => p, p => watermarks[p].End) : null;
            consumers.Add(options.Client switch
            {
                LoadClient.Wire => new WireConsumerWorker(options, meter, mine.ToDictionary(p => p, p => options.CatchUp ? watermarks[p].Start : watermarks[p].End), catchUpEnds),
                _ => new ConfluentConsumerWorker(options, meter, mine.Select(p => new TopicPartitionOffset(options.Topic, p, options.CatchUp ? Offset.Beginning : new Offset(watermarks[p].End))).ToList(), catchUpEnds),
            });
        }
    }

    private void AddProducers(List<IProducerWorker> producers, ScenarioMeter meter, IReadOnlyList<int> partitions)
    {
        int count = options.Producers;
        if (options.CatchUp || count == 0)
        {
            return;
        }

        int inFlight = Math.Max(1, options.InFlight / count);
        double rampSeconds = (options.Warmup + options.Duration).TotalSeconds;
        RatePacer? Pacer() => options.Load switch
        {
            LoadSimulation.Inject => RatePacer.Constant(options.Rate / count),
            LoadSimulation.Ramp => new RatePacer(options.RampFromRate / count, options.Rate / count, rampSeconds),
            _ => null,
        };

        for (int i = 0; i < count; i++)
        {
            producers.Add(options.Client == LoadClient.Wire
                ? new WireProducerWorker(options, meter, Rotate(partitions, i), Pacer(), inFlight)
                : new ConfluentProducerWorker(options, meter, Pacer(), inFlight));
        }
    }

    /// <summary>The partitions starting at a different one per producer, so wire producers do not all write the same partition at once.</summary>
    private static List<int> Rotate(IReadOnlyList<int> partitions, int by) =>
        partitions.Skip(by % partitions.Count).Concat(partitions.Take(by % partitions.Count)).ToList();

    private string ProgressLine(IntervalStats interval, long elapsedTicks, long totalTicks)
    {
        var line = $"[{options.Name}] {Stopwatch.GetElapsedTime(0, elapsedTicks).TotalSeconds,5:F1}s/{Stopwatch.GetElapsedTime(0, totalTicks).TotalSeconds:F0}s{(interval.IsWarmup ? " warm-up" : "")}"
            + $" | prod {interval.ProduceMBps,7:F1} MB/s {interval.ProducedRecords / interval.Seconds / 1000,6:F0}k rec/s"
            + $" | cons {interval.ConsumeMBps,7:F1} MB/s"
            + $" | ack p99 {interval.Ack.P99 / 1000,7:F2} ms | e2e p99 {interval.EndToEnd.P99 / 1000,7:F2} ms"
            + (interval.SendDelay.Count > 0 ? $" | send delay p99 {interval.SendDelay.P99 / 1000:F2} ms" : "");
        line += $" | loadgen {interval.LoadGeneratorCpuSeconds / interval.Seconds:F2} cores";
        return interval.BrokerCpuSeconds is { } cpu ? line + $" | broker {cpu / interval.Seconds:F2} cores" : line;
    }

    private static Thread StartThread(Action run, string name)
    {
        var thread = new Thread(() => run()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>Sleeps in short steps until <paramref name="deadline"/> or until <paramref name="wake"/> says something finished.</summary>
    private static void SleepUntil(long deadline, Func<bool> wake)
    {
        while (Stopwatch.GetTimestamp() < deadline && !wake())
        {
            Thread.Sleep(Math.Clamp((int)Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).TotalMilliseconds, 1, 20));
        }
    }

    /// <summary>A run's Stopwatch timestamps: start, interval length, when producers stop, when a catch-up gives up.</summary>
    private readonly record struct Schedule(long Started, long IntervalTicks, long StopAt, long CatchUpDeadline);
}
