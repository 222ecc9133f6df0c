using System.Text.Json;
using FastLog.LoadTests.Bench;
using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests;

/// <summary>Writes reports into an output directory: Markdown for people, JSON for tools, SVG for the bench chart (the replication runs have none).</summary>
internal static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <returns>The Markdown report's path.</returns>
    public static string WriteScenario(ScenarioResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"{result.Name}.json"), JsonSerializer.Serialize(result, Json));
        var path = Path.Combine(directory, $"{result.Name}.md");
        File.WriteAllText(path, MarkdownReport.RenderScenario(result));
        return path;
    }

    /// <returns>The Markdown report's path.</returns>
    public static string WriteBench(BenchReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(report, Json));
        File.WriteAllText(Path.Combine(directory, "chart.svg"), SvgChart.Render(report));
        var path = Path.Combine(directory, "report.md");
        File.WriteAllText(path, MarkdownReport.Render(report));
        return path;
    }

    /// <returns>The Markdown report's path.</returns>
    public static string WriteReplication(ReplicationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(report, Json));
        var path = Path.Combine(directory, "report.md");
        File.WriteAllText(path, ReplicationMarkdown.Render(report));
        return path;
    }
}
