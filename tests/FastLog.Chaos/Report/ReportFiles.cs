using FastLog.Chaos.Checking;

namespace FastLog.Chaos.Report;

/// <summary>Writes a run's report directory: report.md, timeline.svg, and findings.txt (every finding, not only the examples).</summary>
internal static class ReportFiles
{
    /// <returns>The Markdown report's path.</returns>
    public static string Write(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var timeline = Timeline.Of(report.History);
        File.WriteAllText(Path.Combine(directory, "timeline.svg"), TimelineSvg.Render(timeline, report.History.Faults));
        File.WriteAllLines(Path.Combine(directory, "findings.txt"), report.Result.Findings.Select(Line));
        var path = Path.Combine(directory, "report.md");
        File.WriteAllText(path, MarkdownReport.Render(report, timeline));
        return path;
    }

    private static string Line(Finding finding) => $"{finding.Kind}{(finding.ByDesign ? " (by design)" : "")}: {finding.Description}";
}
