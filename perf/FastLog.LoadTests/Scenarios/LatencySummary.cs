using HdrHistogram;

namespace FastLog.LoadTests.Scenarios;

/// <summary>Percentiles of one latency histogram, in microseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P99, double P999, double P9999, double Max)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary From(HistogramBase histogram) => histogram.TotalCount == 0
        ? Empty
        : new LatencySummary(
            histogram.TotalCount,
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetValueAtPercentile(99.99),
            histogram.GetMaxValue());
}
