using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Tests;

/// <summary>Finished scenarios made up for tests of what is computed from them.</summary>
internal static class TestResults
{
    /// <summary>A 10 s run of <paramref name="options"/> that produced <paramref name="produced"/> 1 KiB records, consumed none and measured no latency (a test sets what it looks at with `with`).</summary>
    public static ScenarioResult TenSeconds(ScenarioOptions options, long produced) => new()
    {
        Name = "test",
        Options = options,
        Partitions = 1,
        Intervals = [],
        ProduceSeconds = 10,
        ConsumeSeconds = 10,
        ProducedRecords = produced,
        ProducedBytes = produced * 1024,
        ConsumedRecords = 0,
        ConsumedBytes = 0,
        ConsumedWhileProducing = 0,
        Errors = 0,
        Ack = LatencySummary.Empty,
        EndToEnd = LatencySummary.Empty,
        ScheduledEndToEnd = LatencySummary.Empty,
        SendDelay = LatencySummary.Empty,
    };
}
