using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Tests;

public sealed class CoordinatedOmissionTests
{
    [Fact]
    public void AStallLongerThanTheIntervalBackFillsTheSamplesItHid()
    {
        var meter = new ScenarioMeter();

        // One 10 ms response while records were due every 1 ms: the 9 records that should have been
        // sent during the stall would have waited 9, 8, ... 1 ms.
        ScenarioMeter.Record(meter.EndToEndLatency, 10_000, expectedIntervalMicros: 1_000);
        var corrected = meter.EndToEndLatency.GetIntervalHistogram();

        Assert.Equal(10, corrected.TotalCount);
        Assert.InRange(LatencySummary.From(corrected).P50, 4_990, 5_010);
    }

    [Fact]
    public void ALongStallIsBackFilledInBoundedStepsWithTheSameCountAndMedian()
    {
        var meter = new ScenarioMeter();

        // 1 s at 10 µs spacing hides 99,999 samples; they go in as at most 100 grouped recordings.
        ScenarioMeter.Record(meter.EndToEndLatency, 1_000_000, expectedIntervalMicros: 10);
        var corrected = meter.EndToEndLatency.GetIntervalHistogram();

        Assert.Equal(100_000, corrected.TotalCount);
        Assert.InRange(LatencySummary.From(corrected).P50, 490_000, 510_000);
    }

    [Fact]
    public void ClosedModelRecordsOnlyWhatWasMeasured()
    {
        var meter = new ScenarioMeter();

        ScenarioMeter.Record(meter.AckLatency, 10_000, expectedIntervalMicros: 0);

        Assert.Equal(1, meter.AckLatency.GetIntervalHistogram().TotalCount);
    }
}
