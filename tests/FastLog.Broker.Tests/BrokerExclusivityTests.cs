using FastLog.Broker.Configuration;

namespace FastLog.Broker.Tests;

/// <summary>A second broker on the same port or the same data directory refuses to start; the first keeps serving.</summary>
public sealed class BrokerExclusivityTests
{
    [Fact]
    public async Task ASecondBrokerOnTheSamePort_FailsToStart()
    {
        await using var first = await TestBroker.StartAsync();
        var port = first.Server.ListenEndPoint.Port;
        var secondDirectory = Path.Combine(first.DataDirectory, "second");

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o =>
        {
            o.Listen = new HostPort("127.0.0.1", port);
            o.DataDirectory = secondDirectory; // inside the first's, so it is deleted with it
        }));

        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(first);
    }

    [Fact]
    public async Task ASecondBrokerOnTheSameDataDirectory_FailsToStart_AndTheLockDiesWithTheBroker()
    {
        await using var first = await TestBroker.StartAsync();

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o => o.DataDirectory = first.DataDirectory));

        Assert.Contains("in use by another broker", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(first);
        await first.StopAsync();
        await using var next = await TestBroker.StartAsync(o => o.DataDirectory = first.DataDirectory);
        await AssertServesAsync(next);
    }

    private static async Task AssertServesAsync(TestBroker broker)
    {
        using var client = await broker.ConnectRawAsync();
        var versions = await client.SendAsync<FastLog.Protocol.ApiVersionsResponse>(new FastLog.Protocol.ApiVersionsRequest(), version: 3);
        Assert.Equal(FastLog.Protocol.ErrorCode.None, versions.ErrorCode);
    }
}
