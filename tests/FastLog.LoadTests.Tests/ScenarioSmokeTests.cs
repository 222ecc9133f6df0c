using FastLog.Server;
using FastLog.Broker.Configuration;
using FastLog.LoadTests.Scenarios;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastLog.LoadTests.Tests;

/// <summary>The CI smoke of the runner: a few seconds of load against an in-process broker, with each client.</summary>
public sealed class ScenarioSmokeTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fastlog-loadtests-{Guid.NewGuid():N}");
    private BrokerServer _server = null!;

    private string Bootstrap => $"127.0.0.1:{_server.ListenEndPoint.Port}";

    public async Task InitializeAsync() => _server = await BrokerServer.StartAsync(
        new BrokerOptions
        {
            Listen = new HostPort("127.0.0.1", 0),
            DataDirectory = Path.Combine(_root, "data"),
            ShardCount = 2,
            // Tests share the machine's cores; pinning is tested in FastLog.Core.Tests.
            PinShards = false,
            MetricsListen = null,
            DefaultPartitions = 2,
        },
        NullLoggerFactory.Instance);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A scenario on a topic of its own name, two partitions, half-second intervals.</summary>
    private ScenarioOptions Scenario(string name) => new()
    {
        Name = name,
        BootstrapServers = Bootstrap,
        Topic = name,
        Partitions = 2,
        Interval = TimeSpan.FromSeconds(0.5),
    };

    [Theory]
    [InlineData("Confluent")]
    [InlineData("Wire")]
    public async Task ShortInjectScenarioProducesConsumesAndWritesItsReport(string client)
    {
        var options = Scenario($"smoke-{client.ToLowerInvariant()}") with
        {
            Client = Enum.Parse<LoadClient>(client),
            RecordSize = 256,
            Load = LoadSimulation.Inject,
            Rate = 2000,
            LingerMs = 0,
            Warmup = TimeSpan.FromSeconds(0.5),
            Duration = TimeSpan.FromSeconds(2),
        };

        var result = await new ScenarioRunner(options, progress: TextWriter.Null).RunAsync();
        var report = ReportFiles.WriteScenario(result, Path.Combine(_root, "report"));

        Assert.Equal(0, result.Errors);
        Assert.True(result.ProducedRecords > 0, "nothing produced");
        Assert.True(result.ConsumedRecords > 0, "nothing consumed");
        Assert.True(result.EndToEnd.Count > 0, "no end-to-end latency sample");
        Assert.True(result.ScheduledEndToEnd.Count > 0, "no end-to-end latency from the due time");
        Assert.True(result.SendDelay.Count > 0, "no send delay sample");
        Assert.Contains(result.Intervals, i => i.IsWarmup);
        Assert.Contains($"# FastLog scenario {options.Name}", await File.ReadAllTextAsync(report));
    }

    [Fact]
    public async Task WireClientProducesAndCatchesUpOnEveryAcknowledgedRecord()
    {
        var produce = Scenario("wire-smoke") with
        {
            RecordSize = 100,
            Producers = 2,
            Consumers = 1,
            Client = LoadClient.Wire,
            BatchBytes = 10_000,
            InFlight = 400,
            Load = LoadSimulation.InFlight,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(1),
        };

        var produced = await new ScenarioRunner(produce, progress: TextWriter.Null).RunAsync();
        var caughtUp = await new ScenarioRunner(produce with { Name = "wire-smoke-catch-up", CatchUp = true, Producers = 0, Duration = TimeSpan.FromSeconds(20) }, progress: TextWriter.Null).RunAsync();

        Assert.Equal(0, produced.Errors);
        Assert.True(produced.ProducedRecords > 0, "nothing produced");
        // One ack latency sample per acknowledged record: every record sent was acknowledged.
        Assert.Equal(produced.ProducedRecords, produced.Ack.Count);
        Assert.True(produced.ConsumedRecords > 0, "the tail consumer read nothing");
        Assert.Equal(0, caughtUp.Errors);
        Assert.Equal(produced.ProducedRecords, caughtUp.ConsumedRecords);
        Assert.Equal(produced.ProducedRecords * produce.RecordSize, caughtUp.ConsumedBytes);
    }
}
