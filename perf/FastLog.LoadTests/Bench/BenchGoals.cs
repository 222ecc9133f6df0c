using System.Globalization;

namespace FastLog.LoadTests.Bench;

/// <summary>The goals, each judged against the same run's machine limits.</summary>
internal static class BenchGoals
{
    public static IReadOnlyList<BenchGoal> Evaluate(BenchReport report)
    {
        var limits = report.Limits;
        double produceLimit = limits.ProduceLimitMBps;
        var tail25 = report.Latency.FirstOrDefault(l => l.Percent == 25)?.Result;
        double largeGiB = report.LargeLogBytes / (double)(1L << 30);
        return
        [
            AtLeast("produce 1 KiB acks=1 ≥ 80 % of min(disk, loopback): Confluent.Kafka", report.ProduceAcks1.ProduceMBps / produceLimit, 0.8, "of limit"),
            AtLeast("same, wire client", report.ProduceAcks1Wire.ProduceMBps / produceLimit, 0.8, "of limit"),
            AtLeast("durable produce (acks=all) ≥ 60 % of min(disk, loopback): Confluent.Kafka", report.ProduceAcksAll.ProduceMBps / produceLimit, 0.6, "of limit"),
            AtLeast("same, wire client", report.ProduceAcksAllWire.ProduceMBps / produceLimit, 0.6, "of limit"),
            Unless(report.DurableLatency.LoadGeneratorProblems, AtMost("durable produce ack p99 ≤ 2× fdatasync p99 (paced at 25 % of the acks=all maximum): Confluent.Kafka", report.DurableLatency.Ack.P99 / Math.Max(1, limits.Sync.P99), 2, "× fdatasync p99")),
            Unless(report.DurableLatencyWire.LoadGeneratorProblems, AtMost("same, wire client (25 % of its own maximum)", report.DurableLatencyWire.Ack.P99 / Math.Max(1, limits.Sync.P99), 2, "× fdatasync p99")),
            AtLeast("consume catch-up ≥ 80 % of loopback: Confluent.Kafka, from disk", report.CatchUp.ConsumeMBps / limits.LoopbackMBps, 0.8, "of loopback"),
            AtLeast("same, wire client, from disk", report.CatchUpWire.ConsumeMBps / limits.LoopbackMBps, 0.8, "of loopback"),
            AtLeast("same, wire client, from the page cache", report.CatchUpWireCached.ConsumeMBps / limits.LoopbackMBps, 0.8, "of loopback"),
            Unless(tail25?.LoadGeneratorProblems, AtMost("tail end-to-end p99 ≤ 1 ms at 25 % load: Confluent.Kafka", (tail25?.EndToEnd.P99 ?? double.NaN) / 1000, 1, "ms")),
            Unless(report.LatencyWire.Result.LoadGeneratorProblems, AtMost("same, wire client (25 % of its own maximum)", report.LatencyWire.Result.EndToEnd.P99 / 1000, 1, "ms")),
            AtMost("broker ≤ 0.5 CPU-s per GB produced (acks=1): Confluent.Kafka", report.ProduceAcks1.BrokerCpuSecondsPerGB ?? double.NaN, 0.5, "CPU-s/GB"),
            AtMost("same, wire client", report.ProduceAcks1Wire.BrokerCpuSecondsPerGB ?? double.NaN, 0.5, "CPU-s/GB"),
            AtMost("broker ≤ 0.2 CPU-s per GB fetched (catch-up): Confluent.Kafka, from disk", report.CatchUp.BrokerCpuSecondsPerGB ?? double.NaN, 0.2, "CPU-s/GB"),
            AtMost("same, wire client, from disk", report.CatchUpWire.BrokerCpuSecondsPerGB ?? double.NaN, 0.2, "CPU-s/GB"),
            AtMost("same, wire client, from the page cache", report.CatchUpWireCached.BrokerCpuSecondsPerGB ?? double.NaN, 0.2, "CPU-s/GB"),
            AtMost($"{report.IdlePartitions} idle partitions ≤ 300 MiB RSS", report.IdlePartitionsRssBytes / (double)(1 << 20), 300, "MiB"),
            AtMost($"restart with 10 GiB ≤ 2 s (measured with {largeGiB:F1} GiB)", report.CleanRestart.TotalSeconds, 2, "s"),
        ];
    }

    /// <summary>A figure the load generator could not produce honestly is shown, but not judged.</summary>
    private static BenchGoal Unless(IReadOnlyList<string>? loadGeneratorProblems, BenchGoal goal) => loadGeneratorProblems is { Count: > 0 }
        ? goal with { Verdict = "not judged: load generator saturated (" + string.Join("; ", loadGeneratorProblems) + ")" }
        : goal;

    private static BenchGoal AtLeast(string goal, double ratio, double target, string unit) =>
        new(goal, Format(ratio, unit), double.IsNaN(ratio) ? "not measured" : ratio >= target ? "met" : $"missed by {Format(target - ratio, unit)}");

    private static BenchGoal AtMost(string goal, double value, double target, string unit) =>
        new(goal, Format(value, unit), double.IsNaN(value) ? "not measured" : value <= target ? "met" : $"missed by {Format(value - target, unit)}");

    private static string Format(double value, string unit) => unit.StartsWith("of ", StringComparison.Ordinal)
        ? (100 * value).ToString("F0", CultureInfo.InvariantCulture) + " % " + unit
        : value.ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
}
