namespace FastLog.Broker.Tests;

/// <summary>
/// kcat (Debian's, on librdkafka 2.0.2: older protocol versions than Confluent.Kafka 2.16) as an
/// independent client. .ci/run installs it; without kcat on PATH these tests fail saying so.
/// </summary>
public sealed class KcatTests
{
    [Fact]
    public async Task Kcat_ProducesAndConsumesKeyedRecords()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 1);
        var lines = Enumerable.Range(0, 500).Select(i => $"key{i}:value {i}").ToList();
        await RunKcatAsync(string.Join('\n', lines) + "\n", "-P", "-b", broker.BootstrapServers, "-t", "kcat-topic", "-K:");

        var output = await RunKcatAsync(null, "-C", "-b", broker.BootstrapServers, "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-f", "%k:%s@%o\\n");
        var consumed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Select((line, i) => $"{line}@{i}"), consumed);
    }

    [Fact]
    public async Task Kcat_ListsMetadata()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 3);
        await RunKcatAsync("x\n", "-P", "-b", broker.BootstrapServers, "-t", "listed");
        var output = await RunKcatAsync(null, "-L", "-b", broker.BootstrapServers, "-t", "listed");
        Assert.Contains("topic \"listed\" with 3 partitions", output, StringComparison.Ordinal);
        Assert.Contains($"broker 0 at {broker.BootstrapServers}", output, StringComparison.Ordinal);
    }

    private static Task<string> RunKcatAsync(string? input, params string[] args) =>
        ExternalClient.RunAsync("kcat", "apt-get install kcat; .ci/run does it", input, TimeSpan.FromSeconds(60), args);
}
