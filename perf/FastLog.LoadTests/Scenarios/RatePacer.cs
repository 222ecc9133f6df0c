namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// When records are due under an open-model load (Inject, Ramp): the rate rises linearly from
/// <c>fromRate</c> to <c>toRate</c> over <c>rampSeconds</c> and stays at <c>toRate</c> after
/// (Inject is the case fromRate == toRate). The number due by time t is the integral of the rate,
/// <c>r0·t + (r1 − r0)·t² / 2T</c> for t ≤ T, then <c>toRate</c> per second; record n is due when
/// that integral reaches n + 1 (<see cref="DueAt"/>). Every record carries its due time next to
/// its send time, so a stall that held sending back is visible (the send delay) and charged to
/// the records it delayed (the scheduled end-to-end latency, corrected for coordinated omission
/// as wrk2 does, with no samples to back-fill).
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

    /// <summary>The Stopwatch timestamp at which record <paramref name="index"/> falls due, for a run started at <paramref name="startedAt"/>.</summary>
    public long DueTimestamp(long startedAt, long index) => startedAt + (long)(DueAt(index) * System.Diagnostics.Stopwatch.Frequency);

    /// <summary>Seconds from the start at which record <paramref name="index"/> (0-based) falls due.</summary>
    public double DueAt(long index)
    {
        double count = index + 1;
        double rampArea = (_fromRate + _toRate) * _rampSeconds / 2;
        if (count > rampArea)
        {
            return _rampSeconds + ((count - rampArea) / _toRate);
        }

        // Solve r0·t + a·t²/2 = count for t, with a = (r1 − r0) / T the ramp's slope.
        double slope = (_toRate - _fromRate) / _rampSeconds;
        return Math.Abs(slope) < 1e-12
            ? count / _fromRate
            : (Math.Sqrt((_fromRate * _fromRate) + (2 * slope * count)) - _fromRate) / slope;
    }
}
