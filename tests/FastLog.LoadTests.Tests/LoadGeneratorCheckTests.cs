using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Tests;

public sealed class LoadGeneratorCheckTests
{
    [Fact]
    public void AnOpenModelRunThatHeldItsScheduleHasNoProblems()
    {
        Assert.Empty(LoadGeneratorCheck.Problems(Run(offered: 10_000, produced: 100_000, consumedWhileProducing: 99_900, sendDelayP99Micros: 700)));
    }

    /// <summary>10 s runs offered 10,000 rec/s: each falls short in one way.</summary>
    [Theory]
    [InlineData(90_000, 90_000, 700, "produced 9,000 of 10,000 rec/s offered (90 %)")]
    [InlineData(100_000, 80_000, 700, "consumers fell behind: read 80 %")]
    [InlineData(100_000, 100_000, 25_000, "send delay p99 25.00 ms")]
    public void EachWayOfFallingBehindIsReported(long produced, long consumedWhileProducing, double sendDelayP99Micros, string expected)
    {
        var problem = Assert.Single(LoadGeneratorCheck.Problems(Run(offered: 10_000, produced, consumedWhileProducing, sendDelayP99Micros)));

        Assert.Contains(expected, problem);
    }

    [Fact]
    public void AClosedModelRunHasNoOfferedRateToMiss()
    {
        var closed = Run(offered: 10_000, produced: 1_000, consumedWhileProducing: 0, sendDelayP99Micros: 0) with
        {
            Options = new ScenarioOptions { Load = LoadSimulation.InFlight, Consumers = 0 },
        };

        Assert.Empty(LoadGeneratorCheck.Problems(closed));
    }

    /// <summary>A 10 s inject run with one consumer.</summary>
    private static ScenarioResult Run(double offered, long produced, long consumedWhileProducing, double sendDelayP99Micros) =>
        TestResults.TenSeconds(new ScenarioOptions { Load = LoadSimulation.Inject, Rate = offered, Consumers = 1 }, produced) with
        {
            ConsumedRecords = produced,
            ConsumedBytes = produced * 1024,
            ConsumedWhileProducing = consumedWhileProducing,
            SendDelay = sendDelayP99Micros > 0 ? new LatencySummary(produced, 300, sendDelayP99Micros, sendDelayP99Micros, sendDelayP99Micros, sendDelayP99Micros) : LatencySummary.Empty,
        };
}
