using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>
/// kafkajs 2.2.4 (npm; non-flexible protocol versions: Produce v7, Fetch v11, Metadata v6) as an
/// independent client, including its consumer group. .ci/run installs it into tests/kafkajs.
/// </summary>
public sealed class KafkajsTests
{
    [Fact]
    public async Task Kafkajs_ProducesIdempotently_AndConsumesThroughAConsumerGroup()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 3);
        var script = Path.Combine(SourceTree.Root, "tests", "kafkajs", "produce-consume.js");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "kafkajs")), "kafkajs is not installed: npm ci --prefix tests/kafkajs (.ci/run does it)");

        var stdout = await ExternalClient.RunAsync("node", "npm ci --prefix tests/kafkajs; .ci/run does it", null, TimeSpan.FromSeconds(120),
            script, broker.BootstrapServers, "kafkajs-topic", "2000");
        Assert.Equal("{\"produced\":2000,\"consumed\":2000,\"inOrder\":true}", stdout.Trim());
    }

}
