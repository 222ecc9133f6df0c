using System.Globalization;
using System.Text;
using static System.FormattableString;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// Renders a <see cref="ReplicationReport"/> as Markdown: the setups, their figures as ratios to the
/// single node of the same run (the machine is shared: only ratios carry over), then the raw runs
/// and their intervals in the bench report's tables.
/// </summary>
internal static class ReplicationMarkdown
{
    public static string Render(ReplicationReport report)
    {
        var baseline = report.Runs[0];
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# FastLog replication cost {(report.Quick ? "(--quick) " : "")}— {report.StartedAt:yyyy-MM-dd HH:mm}"));
        md.AppendLine();
        md.AppendLine(Invariant($"Machine: {report.Machine}. Every setup ran here with the same build, one after the other, on fresh data directories; every broker has one shard (as `LocalCluster` starts them), and the three brokers of a cluster share the machine's cores with each other and with the load generator (Confluent.Kafka). The machine is shared and noisy: read the ratios to ({baseline.Setup.Name}) of this run, not the absolute figures."));
        md.AppendLine();
        md.AppendLine("## Setups");
        md.AppendLine();
        foreach (var run in report.Runs)
        {
            md.AppendLine(Invariant($"- `{run.Setup.Name}`: {run.Setup.Description}"));
        }

        md.AppendLine();
        md.AppendLine("## Ratios to the single node (same run)");
        md.AppendLine();
        var options = baseline.Throughput.Options;
        md.AppendLine(Invariant($"Throughput: flat out (closed model, {options.InFlight:N0} records in flight, linger {options.LingerMs} ms, {options.Producers} producers, {options.Partitions} partitions of {options.RecordSize} B records, {options.Duration.TotalSeconds:0.#} s). Ack latency (Produce call → delivery report, ms): paced (open model, linger 0, {baseline.Latency.Options.Producers} producer) at the same {report.LatencyRate:N0} records/s for every setup ({ReplicationRunner.LatencyLoadPercent} % of the single node's maximum), {baseline.Latency.Options.Duration.TotalSeconds:0.#} s. `rf3-acks1`'s latency is an acks=1 latency."));
        md.AppendLine();
        md.AppendLine("| setup | produce MB/s | records/s | × single node | broker CPU-s/GB | × single node | ack p50 | × single node | ack p99 | × single node | paced run | load average at start |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var run in report.Runs)
        {
            var (figures, ratios) = (run.Figures, report.Ratios(run));
            var problems = run.Latency.LoadGeneratorProblems;
            string paced = problems.Count == 0 ? "kept up" : "**saturated**: " + string.Join("; ", problems);
            md.AppendLine(Invariant($"| {run.Setup.Name} | {figures.ProduceMBps:F1} | {figures.ProduceRecordsPerSecond:N0} | {Times(ratios.ProduceMBps)} | {Number(figures.CpuSecondsPerGB)} | {Times(ratios.CpuSecondsPerGB)} | {MarkdownReport.Ms(figures.AckP50)} | {Times(ratios.AckP50)} | {MarkdownReport.Ms(figures.AckP99)} | {Times(ratios.AckP99)} | {paced} | {run.LoadAverage:F2} |"));
        }

        md.AppendLine();
        md.AppendLine(Invariant($"MB/s and records/s give the same ratio (fixed record size). Broker CPU-s/GB: CPU-seconds of every broker of the setup together per GB produced in the flat-out run, the cost of replication on one machine whatever the cores the brokers share (a follower's copy costs its broker CPU too). The load average (1 min, {Environment.ProcessorCount} cores) shows what else the machine ran: setups that started under very different loads compare badly. Broker CPU and RSS below are summed over a cluster's three brokers."));
        md.AppendLine();
        md.AppendLine("## Runs");
        md.AppendLine();
        var runs = report.Runs.SelectMany(r => new[] { r.Throughput, r.Latency }).ToList();
        MarkdownReport.RunsTable(md, runs, limits: null);
        md.AppendLine();
        md.AppendLine("## Intervals");
        foreach (var run in runs)
        {
            MarkdownReport.Intervals(md, run);
        }

        return md.ToString();
    }

    /// <summary>A figure with one decimal; "n/a" when it was not measured.</summary>
    private static string Number(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>A ratio as "0.42×"; "n/a" when there was nothing to compare with.</summary>
    public static string Times(double ratio) => double.IsNaN(ratio) ? "n/a" : ratio.ToString("F2", CultureInfo.InvariantCulture) + "×";
}
