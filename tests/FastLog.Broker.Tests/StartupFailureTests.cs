using System.Net;
using System.Net.Sockets;
using FastLog.Broker.Configuration;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>
/// A broker that cannot start says why in one line naming the setting to change, and exits
/// non-zero: a second broker on one host collides on the metrics and gossip ports first.
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task MetricsPortInUse_IsOneClearError()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o => o.MetricsListen = new HostPort("127.0.0.1", port)));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("fastlog.metrics.listen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GossipPortInUse_IsOneClearError()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o => o.ClusterListen = new HostPort("127.0.0.1", port)));

        Assert.Contains("fastlog.cluster.listen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADataDirectoryThatCannotBeCreated_IsOneClearError()
    {
        // /proc refuses new directories even to root.
        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o => o.DataDirectory = "/proc/fastlog-data"));

        Assert.Contains("/proc/fastlog-data", error.Message, StringComparison.Ordinal);
        Assert.Contains("log.dirs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExecutable_PrintsOneLine_AndExitsNonZero_WhenAPortIsTaken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunBrokerToExitAsync("--metrics", $"127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        var failure = Assert.Single(output.Split('\n'), line => line.Contains("Cannot start", StringComparison.Ordinal));
        Assert.Contains("fastlog.metrics.listen", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task LogFormatJson_WritesOneJsonObjectPerLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunBrokerToExitAsync("--metrics", $"127.0.0.1:{port}", "--log-format", "json");

        Assert.Equal(1, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var events = lines.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        var failure = Assert.Single(events, e => e.GetProperty("LogLevel").GetString() == "Critical");
        Assert.Contains("fastlog.metrics.listen", failure.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Runs `fastlog serve` on a fresh data directory with <paramref name="extraArgs"/> until it exits (a start that fails).</summary>
    private static async Task<(int ExitCode, string Output)> RunBrokerToExitAsync(params string[] extraArgs)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("fastlog-startup-").FullName;
        try
        {
            return await FastlogExecutable.RunToExitAsync(["serve", "--listen", "127.0.0.1:0", "--data-dir", dataDirectory, .. extraArgs]);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
