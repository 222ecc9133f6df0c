using System.Globalization;
using System.Text;
using FastLog.LoadTests.Scenarios;
using static System.FormattableString;

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
    private static readonly int[] NiceSteps = [1, 2, 5, 10];
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Render(BenchReport report)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{(2 * PanelHeight) + (2 * Top) + 40}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        Throughput(svg, report, Top);
        Latency(svg, report, (2 * Top) + PanelHeight + 20);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Throughput(StringBuilder svg, BenchReport report, int top)
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
        double maxY = NiceCeiling(series.SelectMany(s => s.Run.Intervals.Select(i => s.Consume ? i.ConsumeMBps : i.ProduceMBps)).DefaultIfEmpty(1).Max());
        Frame(svg, top, "Throughput per interval (MB/s) over time (s)", maxY.ToString("F0", CultureInfo.InvariantCulture), "0");
        Axis(svg, top, maxX.ToString("F0", CultureInfo.InvariantCulture) + " s");
        for (int s = 0; s < series.Length; s++)
        {
            var points = series[s].Run.Intervals.Select(i => (
                X: Left + ((i.StartSeconds + i.Seconds) / maxX * PlotWidth),
                Y: top + PanelHeight - ((series[s].Consume ? i.ConsumeMBps : i.ProduceMBps) / maxY * PanelHeight)));
            Line(svg, points, Colors[s]);
            Legend(svg, top, s, series[s].Name, Colors[s]);
        }
    }

    private static void Latency(StringBuilder svg, BenchReport report, int top)
    {
        var series = report.Latency.Select(l => ($"e2e at {l.Percent} % load", l.Result.EndToEnd))
            .Append(($"e2e at {report.LatencyWire.Percent} % load, wire", report.LatencyWire.Result.EndToEnd))
            .Append(("ack, acks=all max", report.ProduceAcksAll.Ack)).Where(s => s.Item2.Count > 0).ToList();
        double minLog = -2;
        double maxLog = Math.Ceiling(Math.Log10(Math.Max(10, series.Select(s => s.Item2.Max / 1000).DefaultIfEmpty(10).Max())));
        Frame(svg, top, "Latency percentiles (ms, log scale)", Math.Pow(10, maxLog).ToString("G", CultureInfo.InvariantCulture), "0.01");
        string[] labels = ["p50", "p99", "p99.9", "p99.99", "max"];
        for (int i = 0; i < labels.Length; i++)
        {
            svg.Append(Invariant($"<text x=\"{Left + (i * PlotWidth / 4.0):F0}\" y=\"{top + PanelHeight + 16}\" text-anchor=\"middle\">{labels[i]}</text>\n"));
        }

        double Y(double micros) => top + PanelHeight - ((Math.Log10(Math.Max(micros / 1000, 0.01)) - minLog) / (maxLog - minLog) * PanelHeight);
        double syncY = Y(report.Limits.Sync.P99);
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{syncY:F1}\" y2=\"{syncY:F1}\" stroke=\"#777\" stroke-dasharray=\"4 4\"/>\n"));
        Legend(svg, top, series.Count, "fdatasync p99 (machine)", "#777");
        for (int s = 0; s < series.Count; s++)
        {
            var l = series[s].Item2;
            double[] values = [l.P50, l.P99, l.P999, l.P9999, l.Max];
            Line(svg, values.Select((v, i) => (X: Left + (i * PlotWidth / 4.0), Y: Y(v))), Colors[s]);
            Legend(svg, top, s, series[s].Item1, Colors[s]);
        }
    }

    private static double PlotWidth => Width - Left - Right;

    private static void Frame(StringBuilder svg, int top, string title, string maxLabel, string minLabel)
    {
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"{top - 12}\" font-size=\"14\" font-weight=\"bold\">{title}</text>\n"));
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{top}\" width=\"{PlotWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#333\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{top + 10}\" text-anchor=\"end\">{maxLabel}</text>\n"));
        svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{top + PanelHeight}\" text-anchor=\"end\">{minLabel}</text>\n"));
    }

    private static void Axis(StringBuilder svg, int top, string maxLabel) =>
        svg.Append(Invariant($"<text x=\"{Left + PlotWidth}\" y=\"{top + PanelHeight + 16}\" text-anchor=\"end\">{maxLabel}</text>\n"));

    private static void Line(StringBuilder svg, IEnumerable<(double X, double Y)> points, string color) =>
        svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => Invariant($"{p.X:F1},{p.Y:F1}")))}\"/>\n"));

    private static void Legend(StringBuilder svg, int top, int index, string name, string color)
    {
        int y = top + 14 + (index * 18);
        svg.Append(Invariant($"<rect x=\"{Width - Right + 12}\" y=\"{y - 9}\" width=\"12\" height=\"4\" fill=\"{color}\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width - Right + 30}\" y=\"{y}\">{name}</text>\n"));
    }

    /// <summary>The next 1, 2 or 5 × 10^n at or above <paramref name="value"/>.</summary>
    internal static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return NiceSteps.Select(m => m * magnitude).First(c => c >= value);
    }
}
