using System.Globalization;
using System.Text;
using FastLog.LoadTests.Machine;
using FastLog.LoadTests.Scenarios;
using static System.FormattableString;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// Renders a <see cref="BenchReport"/> as Markdown: the machine and its limits, every run with its
/// figures as a percentage of the matching limit and as broker CPU-seconds per GB, and the issue's
/// goals marked met or missed (by how much).
/// </summary>
internal static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var limits = report.Limits;
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# FastLog benchmark {(report.Quick ? "(--quick) " : "")}— {report.StartedAt:yyyy-MM-dd HH:mm}"));
        md.AppendLine();
        md.AppendLine(Invariant($"Machine: {limits.Description}. The load generator runs on the same cores as the broker: Confluent.Kafka (what applications use), and in the runs marked `-wire` FastLog's minimal wire client (pre-built batches, a fraction of librdkafka's CPU per byte: the broker's own ceiling)."));
        md.AppendLine();
        md.AppendLine("## Machine limits (same run)");
        md.AppendLine();
        md.AppendLine("| limit | value |");
        md.AppendLine("|---|---|");
        md.AppendLine(Invariant($"| O_DIRECT sequential write, {limits.DiskBlockBytes >> 10} KiB blocks, 1 stream | {limits.DiskWriteMBps1:F0} MB/s |"));
        md.AppendLine(Invariant($"| same, 2 streams | {limits.DiskWriteMBps2:F0} MB/s |"));
        md.AppendLine(Invariant($"| O_DIRECT sequential read of the same (faster of 1 and 2 streams) | {limits.DiskReadMBps:F0} MB/s |"));
        md.AppendLine(Invariant($"| loopback TCP, one stream | {limits.LoopbackMBps:F0} MB/s |"));
        md.AppendLine(Invariant($"| 4 KiB write + fdatasync | p50 {Ms(limits.Sync.P50)} / p99 {Ms(limits.Sync.P99)} / max {Ms(limits.Sync.Max)} |"));
        md.AppendLine(Invariant($"| produce limit = min(disk write, loopback) | {limits.ProduceLimitMBps:F0} MB/s |"));
        md.AppendLine(Invariant($"| cold read limit = min(disk read, loopback) | {limits.ColdReadLimitMBps:F0} MB/s |"));
        md.AppendLine();
        md.AppendLine("## Runs");
        md.AppendLine();
        md.AppendLine("MB = 10^6 bytes of record values. Latencies in ms, from the Produce call (the latency runs' table below also gives them from each record's due time).");
        md.AppendLine();
        RunsTable(md, AllRuns(report), limits);
        md.AppendLine();
        LatencyTable(md, [.. report.Latency, report.LatencyWire]);
        md.AppendLine();
        md.AppendLine(Invariant($"Catch-up's % is of the loopback limit; `catch-up` and `catch-up-wire` first evict the log from the page cache (read from disk: {Percent(report.CatchUp.ConsumeMBps, limits.ColdReadLimitMBps)} and {Percent(report.CatchUpWire.ConsumeMBps, limits.ColdReadLimitMBps)} of the cold read limit), `catch-up-wire-cached` reads it again at once. Large log: {report.LargeLogBytes / (double)(1L << 30):F2} GiB. Clean stop took {report.CleanShutdown.TotalMilliseconds:F0} ms."));
        md.AppendLine();
        md.AppendLine("## Scale");
        md.AppendLine();
        md.AppendLine("| figure | value |");
        md.AppendLine("|---|---|");
        md.AppendLine(Invariant($"| RSS, empty broker | {report.EmptyBrokerRssBytes / (1 << 20)} MiB |"));
        md.AppendLine(Invariant($"| RSS, {report.IdlePartitions} idle partitions | {report.IdlePartitionsRssBytes / (1 << 20)} MiB |"));
        md.AppendLine(Invariant($"| broker CPU, {report.IdlePartitions} idle partitions | {report.IdlePartitionsCores:F3} cores |"));
        md.AppendLine(Invariant($"| start to serving Metadata, {report.LargeLogBytes / (double)(1L << 30):F2} GiB log, after clean stop | {report.CleanRestart.TotalMilliseconds:F0} ms (broker's own start-up: {report.CleanRestartBrokerMs} ms) |"));
        md.AppendLine(Invariant($"| same after SIGKILL | {report.UncleanRestart.TotalMilliseconds:F0} ms (broker's own start-up: {report.UncleanRestartBrokerMs} ms) |"));
        md.AppendLine();
        md.AppendLine("## Goals (issue 6)");
        md.AppendLine();
        md.AppendLine("| goal | measured | verdict |");
        md.AppendLine("|---|---|---|");
        foreach (var goal in BenchGoals.Evaluate(report))
        {
            md.AppendLine(Invariant($"| {goal.Goal} | {goal.Measured} | {goal.Verdict} |"));
        }

        md.AppendLine();
        md.AppendLine("![throughput and latency](chart.svg)");
        md.AppendLine();
        md.AppendLine("## Intervals");
        foreach (var run in AllRuns(report))
        {
            Intervals(md, run);
        }

        return md.ToString();
    }

    /// <summary>One scenario on its own (the `run` command and the CI smoke); percentages need limits, so none here.</summary>
    public static string RenderScenario(ScenarioResult run)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# FastLog scenario {run.Name}"));
        md.AppendLine();
        RunsTable(md, [run], limits: null);
        Intervals(md, run);
        return md.ToString();
    }

    public static void RunsTable(StringBuilder md, IEnumerable<ScenarioResult> runs, MachineLimits? limits)
    {
        md.AppendLine("| run | produce MB/s | % of limit | consume MB/s | ack p50 / p99 / p99.9 / max | e2e p50 / p99 / p99.9 / p99.99 / max | broker CPU-s/GB | broker cores | load generator cores | peak RSS MiB | errors |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var run in runs)
        {
            double limit = limits is null ? 0 : run.Options.CatchUp ? limits.LoopbackMBps : limits.ProduceLimitMBps;
            double mbps = run.Options.CatchUp ? run.ConsumeMBps : run.ProduceMBps;
            md.AppendLine(Invariant($"| {run.Name} | {run.ProduceMBps:F1} | {Percent(mbps, limit)} | {run.ConsumeMBps:F1} | {Percentiles(run.Ack, extended: false)} | {Percentiles(run.EndToEnd, extended: true)} | {run.BrokerCpuSecondsPerGB:F2} | {run.BrokerCores:F2} | {run.LoadGeneratorCores:F2} | {run.BrokerPeakRssBytes / (1 << 20)} | {run.Errors} |"));
        }
    }

    /// <summary>
    /// The open-model runs in detail: whether the load generator held the offered rate (if not, the
    /// run is flagged and its latencies describe the generator, not the broker), how late it sent,
    /// and end-to-end latency both from the Produce call and from the record's due time.
    /// </summary>
    private static void LatencyTable(StringBuilder md, IReadOnlyList<LatencyRun> runs)
    {
        md.AppendLine();
        md.AppendLine("Latency runs (open model, linger 0; load = % of the acks=1 maximum rate of the same client: the wire run's 25 % is of the wire client's maximum). e2e is measured from the Produce call; \"from due time\" from when the schedule said to send, which adds the load generator's send delay and corrects for coordinated omission.");
        md.AppendLine();
        md.AppendLine("| load | offered / achieved rec/s | producers / consumers | send delay p50 / p99 | e2e p50 / p99 / p99.9 / max | e2e p99 from due time | broker cores | load generator cores | load generator |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (percent, run) in runs)
        {
            string load = run.Options.Client == LoadClient.Wire ? Invariant($"{percent} % (wire)") : Invariant($"{percent} %");
            var problems = run.LoadGeneratorProblems;
            string verdict = problems.Count == 0 ? "kept up" : "**saturated**: " + string.Join("; ", problems);
            md.AppendLine(Invariant($"| {load} | {run.OfferedRecordsPerSecond:N0} / {run.ProduceRecordsPerSecond:N0} | {run.Options.Producers} / {run.Options.Consumers} | {Ms(run.SendDelay.P50)} / {Ms(run.SendDelay.P99)} | {Ms(run.EndToEnd.P50)} / {Ms(run.EndToEnd.P99)} / {Ms(run.EndToEnd.P999)} / {Ms(run.EndToEnd.Max)} | {Ms(run.ScheduledEndToEnd.P99)} | {run.BrokerCores:F2} | {run.LoadGeneratorCores:F2} | {verdict} |"));
        }
    }

    public static void Intervals(StringBuilder md, ScenarioResult run)
    {
        md.AppendLine();
        md.AppendLine(Invariant($"### {run.Name} ({run.Partitions} partitions, {run.Options.Producers} producers, {run.Options.Consumers} consumers, acks={run.Options.Acks}, {run.Options.Load}{(run.Options.Rate > 0 ? Invariant($" {run.Options.Rate:F0} rec/s") : "")})"));
        md.AppendLine();
        md.AppendLine("| t (s) | produce MB/s | consume MB/s | ack p99 ms | e2e p99 ms | send delay p99 ms | broker cores | load generator cores |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var interval in run.Intervals)
        {
            md.AppendLine(Invariant($"| {interval.StartSeconds:F1}{(interval.IsWarmup ? " (warm-up)" : "")} | {interval.ProduceMBps:F1} | {interval.ConsumeMBps:F1} | {Ms(interval.Ack.P99)} | {Ms(interval.EndToEnd.P99)} | {Ms(interval.SendDelay.P99)} | {interval.BrokerCpuSeconds / interval.Seconds:F2} | {interval.LoadGeneratorCpuSeconds / interval.Seconds:F2} |"));
        }
    }

    public static IEnumerable<ScenarioResult> AllRuns(BenchReport report) =>
        new[] { report.ProduceAcks1, report.ProduceAcks1Wire, report.ProduceAcksAll, report.ProduceAcksAllWire, report.DurableLatency, report.DurableLatencyWire }
            .Concat(report.Latency.Select(l => l.Result))
            .Append(report.LatencyWire.Result)
            .Concat([report.Fill, report.CatchUp, report.CatchUpWire, report.CatchUpWireCached]);

    public static string Ms(double micros) => (micros / 1000).ToString("F2", CultureInfo.InvariantCulture);

    public static string Percent(double value, double limit) => limit > 0 ? (100 * value / limit).ToString("F0", CultureInfo.InvariantCulture) + " %" : "n/a";

    private static string Percentiles(LatencySummary latency, bool extended) => latency.Count == 0
        ? "—"
        : extended
            ? $"{Ms(latency.P50)} / {Ms(latency.P99)} / {Ms(latency.P999)} / {Ms(latency.P9999)} / {Ms(latency.Max)}"
            : $"{Ms(latency.P50)} / {Ms(latency.P99)} / {Ms(latency.P999)} / {Ms(latency.Max)}";
}
