using System.Globalization;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;
using FastLog.Testing;

namespace FastLog.Chaos.Report;

/// <summary>
/// The run's timeline in the bench chart's style (Testing's <see cref="SvgPlot"/>): acknowledged
/// writes per second, and produce latency p50/p99 per second (log scale), over the run's time, with
/// every fault drawn as a band from its injection to its heal.
/// </summary>
internal static class TimelineSvg
{
    private const int Width = 900;
    private const int PanelHeight = 260;
    private const int Left = 70;
    private const int Right = 170;
    private const int Top = 40;

    public static string Render(Timeline timeline, IReadOnlyList<FaultEvent> faults)
    {
        var plot = new SvgPlot(Width, (2 * PanelHeight) + (2 * Top) + 40, PanelHeight, Left, Right);
        double seconds = Math.Max(1, timeline.Seconds.Count);
        double X(double at) => Left + (at / seconds * plot.PlotWidth);

        var top = Top;
        double maxY = SvgPlot.NiceCeiling(timeline.Seconds.Select(s => (double)s.Acknowledged).DefaultIfEmpty(1).Max());
        Panel(plot, top, "Acknowledged writes per second over time (s)", maxY.ToString("F0", CultureInfo.InvariantCulture), "0", seconds, faults, X);
        plot.Line(timeline.Seconds.Select(s => (X(s.At + 1), top + PanelHeight - (s.Acknowledged / maxY * PanelHeight))), "#1f77b4");
        plot.Legend(top, 0, "acknowledged / s", "#1f77b4");

        top = (2 * Top) + PanelHeight + 20;
        var busy = timeline.Seconds.Where(s => s.Acknowledged > 0).ToList();
        const double minLog = -1;
        double maxLog = Math.Ceiling(Math.Log10(Math.Max(10, busy.Select(s => s.P99Ms).DefaultIfEmpty(10).Max())));
        double Y(double ms) => top + PanelHeight - ((Math.Log10(Math.Max(ms, 0.1)) - minLog) / (maxLog - minLog) * PanelHeight);
        Panel(plot, top, "Produce latency per second (ms, log scale)", Math.Pow(10, maxLog).ToString("G", CultureInfo.InvariantCulture), "0.1", seconds, faults, X);
        plot.Line(busy.Select(s => (X(s.At + 1), Y(s.P50Ms))), "#2ca02c");
        plot.Line(busy.Select(s => (X(s.At + 1), Y(s.P99Ms))), "#d62728");
        plot.Legend(top, 0, "p50", "#2ca02c");
        plot.Legend(top, 1, "p99", "#d62728");
        return plot.Close();
    }

    /// <summary>A panel's frame, time axis and one band per fault, with the fault kinds in the legend below the series.</summary>
    private static void Panel(SvgPlot plot, int top, string title, string maxLabel, string minLabel, double seconds, IReadOnlyList<FaultEvent> faults, Func<double, double> x)
    {
        plot.Frame(top, title, maxLabel, minLabel);
        plot.AxisLabel(top, Left + plot.PlotWidth, seconds.ToString("F0", CultureInfo.InvariantCulture) + " s");
        foreach (var fault in faults)
        {
            plot.Band(top, x(fault.StartMs / 1000), x(fault.EndMs / 1000), Color(fault.Kind), $"{fault.Kind.Name()} #{fault.Index}");
        }

        var kinds = faults.Select(f => f.Kind).Distinct().Order().ToList();
        for (var k = 0; k < kinds.Count; k++)
        {
            plot.Legend(top, 3 + k, $"fault: {kinds[k].Name()}", Color(kinds[k]));
        }
    }

    private static string Color(FaultKind kind) => kind switch
    {
        FaultKind.Kill => "#ff7f0e",
        FaultKind.Pause => "#9467bd",
        FaultKind.Disk => "#8c564b",
        FaultKind.LeaderKill => "#d62728",
        FaultKind.ControllerKill => "#e377c2",
        FaultKind.Isolate => "#17becf",
        FaultKind.Split => "#1f77b4",
        FaultKind.Bridge => "#bcbd22",
        _ => "#7f7f7f",
    };
}
