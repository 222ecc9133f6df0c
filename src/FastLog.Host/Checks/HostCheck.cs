using System.Globalization;
using System.Text;

namespace FastLog.Host.Checks;

/// <summary>
/// `fastlog check-host`: whether this machine suits a broker, like `rpk redpanda tune` in check
/// mode. The kernel and limits (HostCheck.System.cs), then each data directory (every log.dirs
/// entry) and a short probe of its disk through the same O_DIRECT and fdatasync paths the broker
/// uses (HostCheck.Disk.cs).
/// Read-only apart from the probe's temporary files (and the data directory, created when missing,
/// as the broker would). Runs on the calling thread; the probe takes a few seconds.
/// </summary>
internal static partial class HostCheck
{
    public sealed record Settings(IReadOnlyList<string> DataDirectories, int Shards, TimeSpan ProbeDuration);

    public static List<CheckResult> Run(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var results = new List<CheckResult>
        {
            IoUring(),
            OpenFiles(),
            LockedMemory(),
            Cpus(settings.Shards),
            TransparentHugePages(),
            Swappiness(),
            ClockSource(),
        };
        var directories = settings.DataDirectories.Select(Path.GetFullPath).ToList();
        foreach (var directory in directories)
        {
            var checks = DataDirectory(directory, settings.ProbeDuration);
            // Several log.dirs: each row names its directory.
            results.AddRange(directories.Count == 1 ? checks : checks.Select(r => r with { Name = $"{r.Name} {directory}" }));
        }

        if (directories.Count > 1)
        {
            results.Add(SeparateDisks(directories));
        }

        return results;
    }

    /// <summary>The results as an aligned table (CHECK, STATUS, DETAIL, FIX), one row each.</summary>
    public static string Render(IReadOnlyList<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Select(r => new[] { r.Name, r.Status.ToString().ToUpperInvariant(), r.Detail, r.Fix ?? "" }).Prepend(["CHECK", "STATUS", "DETAIL", "FIX"]).ToList();
        var widths = Enumerable.Range(0, 3).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{row[0].PadRight(widths[0])}  {row[1].PadRight(widths[1])}  {row[2].PadRight(widths[2])}  {row[3]}").TrimEnd());
        }

        return text.ToString();
    }

    /// <summary>A number from a one-line /proc or /sys file; null where the file does not exist (not Linux, or a kernel without it).</summary>
    private static string? ReadSetting(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
