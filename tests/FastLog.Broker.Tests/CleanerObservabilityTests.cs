using System.Globalization;
using Confluent.Kafka;
using FastLog.Broker.Configuration;

namespace FastLog.Broker.Tests;

/// <summary>
/// The log cleaner per partition (issue 14, observability): /metrics has dirty ratio, passes, bytes
/// cleaned, records removed, time and last pass of every compacted partition, and only of those;
/// `fastlog topic describe NAME --metrics HOST:PORT` shows them.
/// </summary>
public sealed class CleanerObservabilityTests
{
    [Fact]
    public async Task CompactedPartitions_HaveCleanerFiguresInMetrics_AndInTopicDescribe()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.MetricsListen = new HostPort("127.0.0.1", 0);
            o.LogCleanerBackoffMs = 100;
        });
        await CompactionEndToEndTests.CreateCompactedTopicAsync(broker, "observed", partitions: 2, deleteRetention: TimeSpan.FromDays(1));

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < 400; i++)
            {
                await producer.ProduceAsync(new TopicPartition("observed", 0), new Message<string, string> { Key = $"key-{i % 10}", Value = $"value-{i}" });
            }

            await producer.ProduceAsync("plain", new Message<string, string> { Key = "k", Value = "v" });
        }

        using var http = new HttpClient();
        var metricsUri = new Uri($"http://{broker.Server.MetricsEndPoint}/metrics");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string text;
        while (true)
        {
            text = await http.GetStringAsync(metricsUri);
            if (Sample(text, "fastlog_log_cleaner_partition_runs_total", "observed", 0) > 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(Sample(text, "fastlog_log_cleaner_partition_runs_total", "observed", 0) >= 1, "no cleaning pass within 30 s");
        Assert.True(Sample(text, "fastlog_log_cleaner_partition_bytes_cleaned_total", "observed", 0) > 0);
        Assert.True(Sample(text, "fastlog_log_cleaner_partition_records_removed_total", "observed", 0) > 0);
        Assert.True(Sample(text, "fastlog_log_cleaner_partition_seconds_total", "observed", 0) > 0);
        var lastRun = DateTimeOffset.FromUnixTimeMilliseconds((long)(Sample(text, "fastlog_log_cleaner_last_run_timestamp_seconds", "observed", 0)!.Value * 1000));
        Assert.InRange(lastRun, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.InRange(Sample(text, "fastlog_log_cleaner_dirty_ratio", "observed", 0)!.Value, 0, 1);
        // The untouched compacted partition is listed, with nothing cleaned; the delete-only topic is not.
        Assert.Equal(0, Sample(text, "fastlog_log_cleaner_partition_runs_total", "observed", 1));
        Assert.Equal(0, Sample(text, "fastlog_log_cleaner_last_run_timestamp_seconds", "observed", 1));
        Assert.DoesNotContain("topic=\"plain\"", text, StringComparison.Ordinal);

        var described = await CliTopicCommandTests.RunAsync("topic", "describe", "observed", "--bootstrap", broker.BootstrapServers, "--metrics", broker.Server.MetricsEndPoint!.ToString());
        Assert.Equal(0, described.ExitCode);
        Assert.Matches(@"Cleaner:\n\tPartition: 0\tDirtyRatio: [0-9.]+\tRuns: [1-9][0-9]*\tBytesCleaned: [1-9][0-9]*\tRecordsRemoved: [1-9][0-9]*\tCleanerTime: [0-9.]+s\tLastRun: 20", described.Output);
        Assert.Contains("\tPartition: 1\tDirtyRatio: 0.000\tRuns: 0\tBytesCleaned: 0\tRecordsRemoved: 0\tCleanerTime: 0.000s\tLastRun: never", described.Output, StringComparison.Ordinal);

        var plain = await CliTopicCommandTests.RunAsync("topic", "describe", "plain", "--bootstrap", broker.BootstrapServers, "--metrics", broker.Server.MetricsEndPoint!.ToString());
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("Cleaner:\n\tno compacted partition of 'plain'", plain.Output, StringComparison.Ordinal);
    }

    /// <summary>The value of <paramref name="family"/>{topic, partition}, or null when there is no such sample.</summary>
    private static double? Sample(string text, string family, string topic, int partition)
    {
        var prefix = $"{family}{{topic=\"{topic}\",partition=\"{partition}\"}} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
