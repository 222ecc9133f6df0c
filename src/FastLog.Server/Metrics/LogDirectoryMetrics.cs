using System.Globalization;
using System.Text;
using FastLog.Broker.Partitions;

namespace FastLog.Server.Metrics;

/// <summary>
/// Per log.dirs entry (label <c>dir</c>, the absolute path): whether it is offline, how many
/// partitions it holds and its filesystem's free bytes, so an alert names the failed or filling
/// disk. Read at scrape time from <see cref="LogDirectory"/>'s thread-safe state.
/// </summary>
internal static class LogDirectoryMetrics
{
    public static void Render(StringBuilder text, LogDirectories directories)
    {
        var all = directories.All.Select(d => (Directory: d, Label: Escape(d.Path))).ToList();
        BrokerMetrics.Header(text, "fastlog_log_dir_offline", "gauge", "1 when the log directory failed (its partitions answer KAFKA_STORAGE_ERROR until restart), else 0.");
        foreach (var (directory, label) in all)
        {
            text.Append(CultureInfo.InvariantCulture, $"fastlog_log_dir_offline{{dir=\"{label}\"}} {(directory.IsOffline ? 1 : 0)}\n");
        }

        BrokerMetrics.Header(text, "fastlog_log_dir_partitions", "gauge", "Partitions held by the log directory.");
        foreach (var (directory, label) in all)
        {
            text.Append(CultureInfo.InvariantCulture, $"fastlog_log_dir_partitions{{dir=\"{label}\"}} {directory.PartitionCount}\n");
        }

        BrokerMetrics.Header(text, "fastlog_log_dir_usable_bytes", "gauge", "Bytes the broker can still write on the log directory's filesystem (-1 when it cannot be read).");
        foreach (var (directory, label) in all)
        {
            text.Append(CultureInfo.InvariantCulture, $"fastlog_log_dir_usable_bytes{{dir=\"{label}\"}} {UsableBytes(directory.Path)}\n");
        }
    }

    private static long UsableBytes(string path)
    {
        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return -1;
        }
    }

    /// <summary>Prometheus label values escape backslash, double quote and newline.</summary>
    public static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
