using System.Text.Json;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>
/// kafka-python 2.0.2 (Debian's python3-kafka, in the system Python) as an old-protocol client: its
/// version probe and its bootstrap send Metadata v0, which Kafka 4.x still serves. .ci/run installs it.
/// </summary>
public sealed class KafkaPythonTests
{
    // Debian's package installs into the system interpreter's dist-packages, not a pyenv or venv one.
    private const string SystemPython = "/usr/bin/python3";

    [Fact]
    public async Task KafkaPython_ListsTopicsWithMetadataV0_ProducesAndConsumes()
    {
        await using var broker = await TestBroker.StartAsync(o => o.DefaultPartitions = 2);
        var script = Path.Combine(SourceTree.Root, "tests", "kafka-python", "old-protocol.py");
        var stdout = await ExternalClient.RunAsync(SystemPython, "apt-get install python3-kafka; .ci/run does it", null, TimeSpan.FromSeconds(120),
            script, broker.BootstrapServers, "kafka-python-topic", "300");

        using var result = JsonDocument.Parse(stdout);
        var root = result.RootElement;
        // The probe guesses the broker's version from ApiVersions; a closed Metadata v0 made it fall back to 0.9.
        Assert.True(Version.Parse(root.GetProperty("api_version").GetString()!) >= new Version(2, 0), root.ToString());
        foreach (var metadata in new[] { "one_topic_v0", "all_topics_v0" })
        {
            var answer = root.GetProperty(metadata);
            Assert.Equal($"[[0,\"127.0.0.1\",{broker.Server.ListenEndPoint.Port}]]", answer.GetProperty("brokers").GetRawText());
            var topic = answer.GetProperty("topics").GetProperty("kafka-python-topic");
            Assert.Equal((0, 2), (topic.GetProperty("error").GetInt32(), topic.GetProperty("partitions").GetInt32()));
        }

        Assert.Equal(300, root.GetProperty("consumed").GetInt32());
        Assert.True(root.GetProperty("all_consumed_once").GetBoolean());
    }
}
