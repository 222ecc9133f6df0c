using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using FastLog.Host.Cli;

namespace FastLog.Broker.Tests;

/// <summary>`fastlog topic ...` run in-process against a real broker, with its output captured.</summary>
public sealed class CliTopicCommandTests
{
    [Fact]
    public async Task CreateListDescribeDelete()
    {
        await using var broker = await TestBroker.StartAsync();
        var bootstrap = broker.BootstrapServers;

        var created = await RunAsync("topic", "create", "cli-topic", "--partitions", "2", "--config", "retention.bytes=65536", "--bootstrap", bootstrap);
        Assert.Equal(0, created.ExitCode);
        Assert.StartsWith("Created topic cli-topic with 2 partition(s)", created.Output, StringComparison.Ordinal);

        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
        {
            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(new TopicPartition("cli-topic", 1), new Message<Null, string> { Value = "x" });
            }
        }

        var listed = await RunAsync("topic", "list", "--bootstrap", bootstrap);
        Assert.Equal((0, "cli-topic"), (listed.ExitCode, listed.Output.Trim()));

        var described = await RunAsync("topic", "describe", "cli-topic", "--bootstrap", bootstrap);
        Assert.Equal(0, described.ExitCode);
        Assert.Contains("PartitionCount: 2\tReplicationFactor: 1", described.Output, StringComparison.Ordinal);
        Assert.Contains("Partition: 1\tLeader: 0\tReplicas: 0\tIsr: 0\tLogStartOffset: 0\tHighWatermark: 3", described.Output, StringComparison.Ordinal);
        Assert.Contains("retention.bytes=65536\t(topic)", described.Output, StringComparison.Ordinal);
        Assert.Contains("cleanup.policy=delete\t(default)", described.Output, StringComparison.Ordinal);

        var deleted = await RunAsync("topic", "delete", "cli-topic", "--bootstrap", bootstrap);
        Assert.Equal((0, "Deleted topic cli-topic."), (deleted.ExitCode, deleted.Output.Trim()));
        Assert.Equal("", (await RunAsync("topic", "list", "--bootstrap", bootstrap)).Output);
    }

    [Fact]
    public async Task Refusals_NameTheKafkaError_AndExitWith1()
    {
        await using var broker = await TestBroker.StartAsync();
        var bootstrap = broker.BootstrapServers;
        Assert.Equal(0, (await RunAsync("topic", "create", "twice", "--bootstrap", bootstrap)).ExitCode);

        var again = await RunAsync("topic", "create", "twice", "--bootstrap", bootstrap);
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("fastlog: cannot create topic 'twice': TOPIC_ALREADY_EXISTS", again.Error, StringComparison.Ordinal);

        var badConfig = await RunAsync("topic", "create", "other", "--config", "segment.bytes=1", "--bootstrap", bootstrap);
        Assert.Equal(1, badConfig.ExitCode);
        Assert.Contains("INVALID_CONFIG", badConfig.Error, StringComparison.Ordinal);

        var missing = await RunAsync("topic", "describe", "missing", "--bootstrap", bootstrap);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("UNKNOWN_TOPIC_OR_PARTITION", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableBroker_IsReported()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await RunAsync("topic", "list", "--bootstrap", $"127.0.0.1:{port}");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"fastlog: cannot reach the broker at 127.0.0.1:{port}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partition_operations_on_a_single_node()
    {
        await using var broker = await TestBroker.StartAsync();
        var bootstrap = broker.BootstrapServers;
        Assert.Equal(0, (await RunAsync("topic", "create", "alone", "--bootstrap", bootstrap)).ExitCode);

        var elected = await RunAsync("cluster", "elect-leaders", "--partition", "alone:0", "--bootstrap", bootstrap);
        Assert.Equal(0, elected.ExitCode);
        Assert.StartsWith("alone-0\tELECTION_NOT_NEEDED", elected.Output, StringComparison.Ordinal);
        var unknown = await RunAsync("cluster", "elect-leaders", "--unclean", "--partition", "alone:7", "--bootstrap", bootstrap);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("UNKNOWN_TOPIC_OR_PARTITION", unknown.Output, StringComparison.Ordinal);

        var elsewhere = await RunAsync("cluster", "reassign", "alone", "0", "--replicas", "5", "--bootstrap", bootstrap);
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("INVALID_REPLICA_ASSIGNMENT", elsewhere.Error, StringComparison.Ordinal);
        var cancelled = await RunAsync("cluster", "reassign", "alone", "0", "--cancel", "--bootstrap", bootstrap);
        Assert.Contains("NO_REASSIGNMENT_IN_PROGRESS", cancelled.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("cluster", "reassign", "alone", "0", "--replicas", "x", "--bootstrap", bootstrap)).ExitCode);
        Assert.Equal("No reassignment in progress.", (await RunAsync("cluster", "reassignments", "--bootstrap", bootstrap)).Output.Trim());
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { TopicCommands.Create(), ClusterCommands.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
