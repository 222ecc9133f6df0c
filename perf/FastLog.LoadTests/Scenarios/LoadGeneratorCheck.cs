using System.Globalization;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// Says when a run measured the load generator instead of the broker, so the report flags the
/// run instead of printing a broker latency that is not one: the producers did not reach the
/// offered rate, the consumers fell behind the producers, or records left the generator late.
/// Pure arithmetic on a result.
/// </summary>
internal static class LoadGeneratorCheck
{
    /// <summary>Achieved (or consumed) below this share of offered (or produced) counts as falling behind.</summary>
    public const double KeptUpShare = 0.97;

    /// <summary>
    /// The pacer wakes every <see cref="ConfluentProducerWorker.PacerTickMicros"/>, so a generator that holds
    /// its schedule hands records over at most about one tick late; a send delay p99 above three
    /// ticks means it fell behind (no CPU, or a full in-flight window: the broker's stall then also
    /// held the sending back).
    /// </summary>
    public const double MaxSendDelayP99Micros = 3 * ConfluentProducerWorker.PacerTickMicros;

    public static IReadOnlyList<string> Problems(ScenarioResult run)
    {
        var problems = new List<string>();
        if (run.OfferedRecordsPerSecond is { } offered && run.ProduceRecordsPerSecond < KeptUpShare * offered)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"produced {run.ProduceRecordsPerSecond:N0} of {offered:N0} rec/s offered ({Share(run.ProduceRecordsPerSecond, offered)})"));
        }

        if (run.Options.Consumers > 0 && !run.Options.CatchUp && run.ProducedRecords > 0 && run.ConsumedWhileProducing < KeptUpShare * run.ProducedRecords)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"consumers fell behind: read {Share(run.ConsumedWhileProducing, run.ProducedRecords)} of the records while they were produced"));
        }

        if (run.SendDelay.Count > 0 && run.SendDelay.P99 > MaxSendDelayP99Micros)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"records left the generator late: send delay p99 {run.SendDelay.P99 / 1000:F2} ms"));
        }

        return problems;
    }

    private static string Share(double part, double whole) => (100 * part / whole).ToString("F0", CultureInfo.InvariantCulture) + " %";
}
