using System.Diagnostics;

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
        var script = Path.Combine(RepositoryRoot(), "tests", "kafkajs", "produce-consume.js");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "kafkajs")), "kafkajs is not installed: npm ci --prefix tests/kafkajs (.ci/run does it)");

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, broker.BootstrapServers, "kafkajs-topic", "2000" })
        {
            start.ArgumentList.Add(arg);
        }

        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(node.ExitCode == 0, $"kafkajs failed: {await stderr}");
        Assert.Equal("{\"produced\":2000,\"consumed\":2000,\"inOrder\":true}", (await stdout).Trim());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FastLog.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FastLog.sln not found above the test assembly");
    }
}
