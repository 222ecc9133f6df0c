using System.Globalization;
using FastLog.LoadTests.Scenarios;
using FastLog.Testing;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// A hand-written SVG with two panels: throughput per interval over time for the throughput runs,
/// and latency percentiles (log scale) for the latency runs, with the same-run fdatasync p99 as a
/// reference line.
/// </summary>
internal static class SvgChart
{
    private const int Width = 900;
    private const int PanelHeight = 300;
    private const int Left = 70;
    private const int Right = 220;
    private const int Top = 40;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Render(BenchReport report)
    {
        var plot = new SvgPlot(Width, (2 * PanelHeight) + (2 * Top) + 40, PanelHeight, Left, Right);
        Throughput(plot, report, Top);
        Latency(plot, report, (2 * Top) + PanelHeight + 20);
        return plot.Close();
    }

    private static void Throughput(SvgPlot plot, BenchReport report, int top)
    {
        var series = new (string Name, ScenarioResult Run, bool Consume)[]
        {
            ("produce acks=1", report.ProduceAcks1, false),
            ("produce acks=1, wire", report.ProduceAcks1Wire, false),
            ("produce acks=all", report.ProduceAcksAll, false),
            ("fill large log", report.Fill, false),
            ("catch-up read", report.CatchUp, true),
            ("catch-up read, wire", report.CatchUpWire, true),
        };
        double maxX = Math.Max(1, series.Max(s => s.Run.Intervals.Sum(i => i.Seconds)));
        double maxY = SvgPlot.NiceCeiling(series.SelectMany(s => s.Run.Intervals.Select(i => s.Consume ? i.ConsumeMBps : i.ProduceMBps)).DefaultIfEmpty(1).Max());
        plot.Frame(top, "Throughput per interval (MB/s) over time (s)", maxY.ToString("F0", CultureInfo.InvariantCulture), "0");
        plot.AxisLabel(top, Left + plot.PlotWidth, maxX.ToString("F0", CultureInfo.InvariantCulture) + " s");
        for (int s = 0; s < series.Length; s++)
        {
            var points = series[s].Run.Intervals.Select(i => (
                X: Left + ((i.StartSeconds + i.Seconds) / maxX * plot.PlotWidth),
                Y: top + PanelHeight - ((series[s].Consume ? i.ConsumeMBps : i.ProduceMBps) / maxY * PanelHeight)));
            plot.Line(points, Colors[s]);
            plot.Legend(top, s, series[s].Name, Colors[s]);
        }
    }

    private static void Latency(SvgPlot plot, BenchReport report, int top)
    {
        var series = report.Latency.Select(l => ($"e2e at {l.Percent} % load", l.Result.EndToEnd))
            .Append(($"e2e at {report.LatencyWire.Percent} % load, wire", report.LatencyWire.Result.EndToEnd))
            .Append(("ack, acks=all max", report.ProduceAcksAll.Ack)).Where(s => s.Item2.Count > 0).ToList();
        double minLog = -2;
        double maxLog = Math.Ceiling(Math.Log10(Math.Max(10, series.Select(s => s.Item2.Max / 1000).DefaultIfEmpty(10).Max())));
        plot.Frame(top, "Latency percentiles (ms, log scale)", Math.Pow(10, maxLog).ToString("G", CultureInfo.InvariantCulture), "0.01");
        string[] labels = ["p50", "p99", "p99.9", "p99.99", "max"];
        for (int i = 0; i < labels.Length; i++)
        {
            plot.AxisLabel(top, Left + (i * plot.PlotWidth / 4.0), labels[i], "middle");
        }

        double Y(double micros) => top + PanelHeight - ((Math.Log10(Math.Max(micros / 1000, 0.01)) - minLog) / (maxLog - minLog) * PanelHeight);
        plot.Reference(Y(report.Limits.Sync.P99), "#777");
        plot.Legend(top, series.Count, "fdatasync p99 (machine)", "#777");
        for (int s = 0; s < series.Count; s++)
        {
            var l = series[s].Item2;
            double[] values = [l.P50, l.P99, l.P999, l.P9999, l.Max];
            plot.Line(values.Select((v, i) => (X: Left + (i * plot.PlotWidth / 4.0), Y: Y(v))), Colors[s]);
            plot.Legend(top, s, series[s].Item1, Colors[s]);
        }
    }
}
