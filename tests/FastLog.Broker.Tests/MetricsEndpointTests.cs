using Confluent.Kafka;
using FastLog.Broker.Configuration;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_ExposesRequestCountsBytesStorageStagesAndShardLoops_InPrometheusTextFormat()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MetricsListen = new HostPort("127.0.0.1", 0));
        using (var producer = new ProducerBuilder<Null, string>(ProduceConsumeTests.ProducerConfig(broker)).Build())
        {
            await producer.ProduceAsync("metered", new Message<Null, string> { Value = "x" });
        }

        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri($"http://{broker.Server.MetricsEndPoint}/metrics"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"fastlog_requests_total\{api=""Produce""\} [1-9]", text);
        Assert.Matches(@"fastlog_request_latency_seconds_count\{api=""Produce""\} [1-9]", text);
        Assert.Matches(@"fastlog_bytes_in_total [1-9]", text);
        // The acknowledged record went through every stage of the storage write path.
        Assert.Matches(@"fastlog_log_append_queue_seconds_count [1-9]", text);
        Assert.Matches(@"fastlog_log_append_commit_seconds_bucket\{le=""\+Inf""\} [1-9]", text);
        Assert.Matches(@"fastlog_log_segment_write_seconds_count [1-9]", text);
        Assert.Matches(@"fastlog_log_segment_bytes_written_total [1-9]", text);
        Assert.Contains("fastlog_log_corrupt_batches_total 0", text, StringComparison.Ordinal);
        Assert.Matches(@"fastlog_log_flush_seconds_count [1-9]", text); // acks=all waits for an fdatasync
        Assert.Matches(@"fastlog_shard_busy_seconds_total\{shard=""1""\} ", text);
        Assert.Contains("fastlog_partitions 1", text, StringComparison.Ordinal);
        // Every sample follows its own family's TYPE line.
        string? family = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                family = line.Split(' ')[2];
            }
            else if (!line.StartsWith('#'))
            {
                Assert.NotNull(family);
                Assert.StartsWith(family, line, StringComparison.Ordinal);
            }
        }

        var missing = await http.GetAsync(new Uri($"http://{broker.Server.MetricsEndPoint}/other"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task GrafanaDashboard_QueriesOnlyMetricsTheBrokerExposes()
    {
        // Gossip on, so the cluster families are rendered too.
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.MetricsListen = new HostPort("127.0.0.1", 0);
            o.ClusterListen = new HostPort("127.0.0.1", 0);
        });
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://{broker.Server.MetricsEndPoint}/metrics"));
        var families = text.Split('\n')
            .Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal))
            .ToDictionary(line => line.Split(' ')[2], line => line.Split(' ')[3]);

        var dashboardPath = Path.Combine(SourceTree.Root, "deploy", "grafana", "fastlog-broker.json");
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dashboardPath));
        var root = dashboard.RootElement;
        var queries = root.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(target => target.GetProperty("expr").GetString()!))
            .Concat(root.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Where(variable => variable.GetProperty("type").GetString() == "query")
                .Select(variable => variable.GetProperty("query").GetString()!))
            .ToList();
        Assert.NotEmpty(queries);

        var unknown = new List<string>();
        foreach (System.Text.RegularExpressions.Match name in queries.SelectMany(q => System.Text.RegularExpressions.Regex.Matches(q, @"\bfastlog_[a-z_]+")))
        {
            if (!families.ContainsKey(name.Value) && !IsHistogramSeries(name.Value, families))
            {
                unknown.Add(name.Value);
            }
        }

        Assert.Empty(unknown);
    }

    private static readonly string[] HistogramSuffixes = ["_bucket", "_count", "_sum"];

    /// <summary>name_bucket, name_count and name_sum are the series of histogram family name.</summary>
    private static bool IsHistogramSeries(string series, Dictionary<string, string> families) =>
        HistogramSuffixes.Any(suffix =>
            series.EndsWith(suffix, StringComparison.Ordinal) && families.GetValueOrDefault(series[..^suffix.Length]) == "histogram");
}
