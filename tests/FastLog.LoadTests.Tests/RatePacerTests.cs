using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Tests;

public sealed class RatePacerTests
{
    /// <summary>Record n is due when the integral of the rate reaches n + 1.</summary>
    [Theory]
    // Constant 1000 rec/s: evenly spaced.
    [InlineData(1000, 1000, 0, 0, 0.001)]
    [InlineData(1000, 1000, 0, 499, 0.5)]
    [InlineData(1000, 1000, 0, 2999, 3)]
    // 0 -> 1000 rec/s over 10 s: 5000 records under the ramp, a quarter of them by t = 5; then 1000 rec/s.
    [InlineData(0, 1000, 10, 1249, 5)]
    [InlineData(0, 1000, 10, 4999, 10)]
    [InlineData(0, 1000, 10, 6999, 12)]
    // 1000 -> 3000 rec/s over 2 s: 1000·t + 500·t², so 1500 records by t = 1 and 4000 by t = 2.
    [InlineData(1000, 3000, 2, 1499, 1)]
    [InlineData(1000, 3000, 2, 3999, 2)]
    [InlineData(1000, 3000, 2, 5499, 2.5)]
    public void RecordsFallDueWhenTheRatesIntegralReachesThem(double fromRate, double toRate, double rampSeconds, long index, double dueSeconds)
    {
        Assert.Equal(dueSeconds, new RatePacer(fromRate, toRate, rampSeconds).DueAt(index), precision: 6);
    }

    [Fact]
    public void DueTimesNeverGoBackwards()
    {
        var pacer = new RatePacer(200, 50_000, 3);

        double previous = 0;
        for (long index = 0; index < 100_000; index += 7)
        {
            double due = pacer.DueAt(index);
            Assert.True(due > previous, $"record {index} due at {due} s, not after {previous} s");
            previous = due;
        }
    }
}
