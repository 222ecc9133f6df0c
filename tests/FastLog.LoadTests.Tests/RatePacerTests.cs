using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Tests;

public sealed class RatePacerTests
{
    [Fact]
    public void ConstantRateIsDueLinearly()
    {
        var pacer = RatePacer.Constant(1000);

        Assert.Equal(0, pacer.DueBy(0));
        Assert.Equal(500, pacer.DueBy(0.5));
        Assert.Equal(3000, pacer.DueBy(3));
        Assert.Equal(1000, pacer.ExpectedIntervalMicros(1));
    }

    [Fact]
    public void RampIntegratesTheRisingRateThenHoldsTheTarget()
    {
        // 0 -> 1000 rec/s over 10 s: the area under the ramp is 5000 records, a quarter of it by t = 5.
        var pacer = new RatePacer(0, 1000, 10);

        Assert.Equal(1250, pacer.DueBy(5));
        Assert.Equal(5000, pacer.DueBy(10));
        Assert.Equal(7000, pacer.DueBy(12));
        Assert.Equal(500, pacer.RateAt(5));
        Assert.Equal(2000, pacer.ExpectedIntervalMicros(5));
    }
}
