using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FastLog.Broker.Configuration;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog topic describe NAME --metrics HOST:PORT`: the log cleaner's figures of the topic's
/// compacted partitions, read from the broker's Prometheus endpoint (the fastlog_log_cleaner_*
/// families with topic/partition labels). The Kafka protocol has no place for them: a read-only
/// topic config in DescribeConfigs would be reported as a config, and Kafka itself exposes the
/// cleaner only as metrics. One broker's endpoint shows the partitions it holds.
/// </summary>
public static partial class TopicCommands
{
    private static readonly TimeSpan MetricsTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The cleaner section printed after the configs: one line per compacted partition, or why there is none.</summary>
    private static async Task WriteCleanerFiguresAsync(string metricsAddress, string topic, TextWriter output, CancellationToken cancel)
    {
        if (!HostPort.TryParse(metricsAddress, out var endpoint))
        {
            throw new CliException($"--metrics expects HOST:PORT, not '{metricsAddress}'");
        }

        string text;
        try
        {
            using var http = new HttpClient { Timeout = MetricsTimeout };
            text = await http.GetStringAsync(new Uri($"http://{endpoint}/metrics"), cancel);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException)
        {
            throw new CliException($"cannot read the broker's metrics at {endpoint}: {e.Message}");
        }

        var figures = CleanerSamples(text, topic);
        await output.WriteLineAsync("Cleaner:");
        if (figures.Count == 0)
        {
            await output.WriteLineAsync($"\tno compacted partition of '{topic}' at {endpoint} (cleanup.policy does not include compact, or another broker holds them)");
            return;
        }

        foreach (var (partition, values) in figures.OrderBy(f => f.Key))
        {
            double Value(string name) => values.GetValueOrDefault(name, double.NaN);
            var lastRun = Value("last_run_timestamp_seconds") is var seconds && seconds > 0
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
                : "never";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"\tPartition: {partition}\tDirtyRatio: {Value("dirty_ratio"):F3}\tRuns: {Value("partition_runs_total")}\tBytesCleaned: {Value("partition_bytes_cleaned_total")}" +
                $"\tRecordsRemoved: {Value("partition_records_removed_total")}\tCleanerTime: {Value("partition_seconds_total"):F3}s\tLastRun: {lastRun}"));
        }
    }

    /// <summary>partition -> (family suffix after fastlog_log_cleaner_ -> value) for <paramref name="topic"/>'s samples in a Prometheus text exposition.</summary>
    private static Dictionary<int, Dictionary<string, double>> CleanerSamples(string text, string topic)
    {
        var figures = new Dictionary<int, Dictionary<string, double>>();
        foreach (Match sample in CleanerSample().Matches(text))
        {
            if (sample.Groups["topic"].Value != topic
                || !int.TryParse(sample.Groups["partition"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || !double.TryParse(sample.Groups["value"].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (!figures.TryGetValue(partition, out var values))
            {
                figures[partition] = values = [];
            }

            values[sample.Groups["name"].Value] = value;
        }

        return figures;
    }

    // Topic names are [a-zA-Z0-9._-] (Kafka's rule), so the label value needs no unescaping.
    [GeneratedRegex(@"^fastlog_log_cleaner_(?<name>[a-z_]+)\{topic=""(?<topic>[^""]*)"",partition=""(?<partition>\d+)""\} (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex CleanerSample();
}
