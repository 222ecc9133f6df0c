using System.Text;
using static System.FormattableString;

namespace FastLog.Testing;

/// <summary>
/// The hand-written SVG the tools' reports share (the bench's chart, the chaos timeline): stacked
/// panels of <see cref="PanelHeight"/> with a title, the top and bottom value labels, polylines, and
/// a legend in the right margin. Coordinates are SVG pixels; one writer at a time.
/// </summary>
public sealed class SvgPlot
{
    private static readonly int[] NiceSteps = [1, 2, 5, 10];
    private readonly StringBuilder _svg = new();

    /// <summary>Starts a white canvas of <paramref name="width"/> × <paramref name="height"/> with plots between <paramref name="left"/> and width - <paramref name="right"/>.</summary>
    public SvgPlot(int width, int height, int panelHeight, int left, int right)
    {
        Width = width;
        PanelHeight = panelHeight;
        Left = left;
        Right = right;
        _svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        _svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    }

    public int Width { get; }

    public int PanelHeight { get; }

    public int Left { get; }

    public int Right { get; }

    public double PlotWidth => Width - Left - Right;

    /// <summary>A panel's frame at <paramref name="top"/>, its title above it and the labels of its top and bottom values.</summary>
    public void Frame(int top, string title, string maxLabel, string minLabel)
    {
        _svg.Append(Invariant($"<text x=\"{Left}\" y=\"{top - 12}\" font-size=\"14\" font-weight=\"bold\">{title}</text>\n"));
        _svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{top}\" width=\"{PlotWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#333\"/>\n"));
        _svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{top + 10}\" text-anchor=\"end\">{maxLabel}</text>\n"));
        _svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{top + PanelHeight}\" text-anchor=\"end\">{minLabel}</text>\n"));
    }

    /// <summary>A label under the panel at <paramref name="x"/> (end-anchored at the right edge, centred elsewhere).</summary>
    public void AxisLabel(int top, double x, string label, string anchor = "end") =>
        _svg.Append(Invariant($"<text x=\"{x:F0}\" y=\"{top + PanelHeight + 16}\" text-anchor=\"{anchor}\">{label}</text>\n"));

    public void Line(IEnumerable<(double X, double Y)> points, string color) =>
        _svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => Invariant($"{p.X:F1},{p.Y:F1}")))}\"/>\n"));

    /// <summary>A horizontal dashed reference line across the plot.</summary>
    public void Reference(double y, string color) =>
        _svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"{color}\" stroke-dasharray=\"4 4\"/>\n"));

    /// <summary>A translucent band from <paramref name="x1"/> to <paramref name="x2"/> over a panel, with a tooltip.</summary>
    public void Band(int top, double x1, double x2, string color, string title) =>
        _svg.Append(Invariant($"<rect x=\"{x1:F1}\" y=\"{top}\" width=\"{Math.Max(1, x2 - x1):F1}\" height=\"{PanelHeight}\" fill=\"{color}\" fill-opacity=\"0.3\"><title>{title}</title></rect>\n"));

    /// <summary>Entry <paramref name="index"/> of a panel's legend in the right margin.</summary>
    public void Legend(int top, int index, string name, string color)
    {
        int y = top + 14 + (index * 18);
        _svg.Append(Invariant($"<rect x=\"{Width - Right + 12}\" y=\"{y - 9}\" width=\"12\" height=\"4\" fill=\"{color}\"/>\n"));
        _svg.Append(Invariant($"<text x=\"{Width - Right + 30}\" y=\"{y}\">{name}</text>\n"));
    }

    /// <summary>The finished document.</summary>
    public string Close() => _svg.Append("</svg>\n").ToString();

    /// <summary>The next 1, 2 or 5 × 10^n at or above <paramref name="value"/> (an axis's top).</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return NiceSteps.Select(m => m * magnitude).First(c => c >= value);
    }
}
