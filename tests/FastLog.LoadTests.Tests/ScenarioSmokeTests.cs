using FastLog.Broker;
using FastLog.Broker.Configuration;
using FastLog.LoadTests.Scenarios;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastLog.LoadTests.Tests;

/// <summary>The CI smoke of the runner: a few seconds of paced load against an in-process broker.</summary>
public sealed class ScenarioSmokeTests
{
    [Fact]
    public async Task ShortInjectScenarioProducesConsumesAndWritesItsReport()
    {
        var root = Path.Combine(Path.GetTempPath(), $"fastlog-loadtests-{Guid.NewGuid():N}");
        var server = await BrokerServer.StartAsync(
            new BrokerOptions
            {
                Listen = new HostPort("127.0.0.1", 0),
                DataDirectory = Path.Combine(root, "data"),
                ShardCount = 2,
                // Tests share the machine's cores; pinning is tested in FastLog.Core.Tests.
                PinShards = false,
                MetricsListen = null,
                DefaultPartitions = 2,
            },
            NullLoggerFactory.Instance);
        try
        {
            var options = new ScenarioOptions
            {
                Name = "smoke",
                BootstrapServers = $"127.0.0.1:{server.ListenEndPoint.Port}",
                Topic = "smoke",
                Partitions = 2,
                RecordSize = 256,
                Load = LoadSimulation.Inject,
                Rate = 2000,
                LingerMs = 0,
                Warmup = TimeSpan.FromSeconds(0.5),
                Duration = TimeSpan.FromSeconds(2),
                Interval = TimeSpan.FromSeconds(0.5),
            };

            var result = await new ScenarioRunner(options, progress: TextWriter.Null).RunAsync();
            var report = ReportFiles.WriteScenario(result, Path.Combine(root, "report"));

            Assert.Equal(0, result.Errors);
            Assert.True(result.ProducedRecords > 0, "nothing produced");
            Assert.True(result.ConsumedRecords > 0, "nothing consumed");
            Assert.True(result.EndToEnd.Count > 0, "no end-to-end latency sample");
            Assert.True(result.ScheduledEndToEnd.Count > 0, "no end-to-end latency from the due time");
            Assert.True(result.SendDelay.Count > 0, "no send delay sample");
            Assert.Contains(result.Intervals, i => i.IsWarmup);
            Assert.Contains("# FastLog scenario smoke", await File.ReadAllTextAsync(report));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
