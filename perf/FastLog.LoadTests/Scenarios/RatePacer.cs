namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// When records are due under an open-model load (Inject, Ramp): the rate rises linearly from
/// <c>fromRate</c> to <c>toRate</c> over <c>rampSeconds</c> and stays at <c>toRate</c> after
/// (Inject is the case fromRate == toRate). The number due by time t is the integral of the rate:
/// <c>r0·t + (r1 − r0)·t² / 2T</c> for t ≤ T, then <c>toRate</c> per second. A producer sends
/// whatever is due each time it wakes, so a late wake-up sends a burst instead of silently
/// lowering the offered load (the root of coordinated omission).
/// Pure arithmetic on elapsed seconds, so it is unit tested without clocks.
/// </summary>
internal sealed class RatePacer
{
    private readonly double _fromRate;
    private readonly double _toRate;
    private readonly double _rampSeconds;

    public RatePacer(double fromRate, double toRate, double rampSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        _fromRate = fromRate;
        _toRate = toRate;
        _rampSeconds = Math.Max(rampSeconds, 0);
    }

    public static RatePacer Constant(double rate) => new(rate, rate, 0);

    /// <summary>Records per second at <paramref name="elapsedSeconds"/>.</summary>
    public double RateAt(double elapsedSeconds) =>
        elapsedSeconds >= _rampSeconds ? _toRate : _fromRate + ((_toRate - _fromRate) * elapsedSeconds / _rampSeconds);

    /// <summary>How many records should have been sent by <paramref name="elapsedSeconds"/>.</summary>
    public long DueBy(double elapsedSeconds)
    {
        if (elapsedSeconds <= 0)
        {
            return 0;
        }

        double t = Math.Min(elapsedSeconds, _rampSeconds);
        double ramp = _rampSeconds == 0 ? 0 : (_fromRate * t) + ((_toRate - _fromRate) * t * t / (2 * _rampSeconds));
        double after = Math.Max(0, elapsedSeconds - _rampSeconds) * _toRate;
        return (long)(ramp + after);
    }

    /// <summary>
    /// The expected gap between two records at <paramref name="elapsedSeconds"/> in microseconds
    /// (at least 1): HdrHistogram's RecordValueWithExpectedInterval back-fills the samples a stall
    /// of the system under test kept the load generator from taking.
    /// </summary>
    public long ExpectedIntervalMicros(double elapsedSeconds) => Math.Max(1, (long)(1_000_000 / Math.Max(RateAt(elapsedSeconds), 1e-3)));
}
