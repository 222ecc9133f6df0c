using System.Globalization;
using System.Text;
using FastLog.Broker.Partitions;
using FastLog.Storage.Compaction;

namespace FastLog.Server.Metrics;

/// <summary>
/// The log cleaner per compacted partition (labels <c>topic</c>, <c>partition</c>): dirty ratio,
/// bytes cleaned, records removed, passes, time and last pass. Only partitions with
/// cleanup.policy=compact get samples, so the series count is bounded by what users opted into;
/// the families' HELP/TYPE lines are always written. Counters count since the partition was opened
/// (a broker restart resets them, which Prometheus' rate() handles).
/// </summary>
internal static class CleanerMetrics
{
    public static void Render(StringBuilder text, IReadOnlyList<(TopicPartition Partition, CleanerStatus Status)> partitions)
    {
        var labelled = partitions.Select(p => (Labels: $"topic=\"{LogDirectoryMetrics.Escape(p.Partition.Topic)}\",partition=\"{p.Partition.Partition}\"", p.Status)).ToList();
        Family(text, "fastlog_log_cleaner_dirty_ratio", "gauge", "Dirty bytes / cleanable bytes of a compacted partition now (a pass is due at min.cleanable.dirty.ratio).", labelled, s => s.DirtyRatio);
        Family(text, "fastlog_log_cleaner_partition_runs_total", "counter", "Log-cleaner passes completed over the partition.", labelled, s => s.Runs);
        Family(text, "fastlog_log_cleaner_partition_bytes_cleaned_total", "counter", "Log bytes the cleaner read and rewrote in the partition.", labelled, s => s.BytesCleaned);
        Family(text, "fastlog_log_cleaner_partition_records_removed_total", "counter", "Records the cleaner removed from the partition (superseded values, expired tombstones).", labelled, s => s.RecordsRemoved);
        Family(text, "fastlog_log_cleaner_partition_seconds_total", "counter", "Wall-clock time of the partition's cleaning passes.", labelled, s => s.Time.TotalSeconds);
        Family(text, "fastlog_log_cleaner_last_run_timestamp_seconds", "gauge", "Unix time when the partition's last cleaning pass ended (0: none since the broker started).", labelled,
            s => s.LastRunUnixMs < 0 ? 0 : s.LastRunUnixMs / 1000.0);
    }

    private static void Family(StringBuilder text, string name, string type, string help, List<(string Labels, CleanerStatus Status)> partitions, Func<CleanerStatus, double> value)
    {
        BrokerMetrics.Header(text, name, type, help);
        foreach (var (labels, status) in partitions)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value(status)}\n");
        }
    }
}
