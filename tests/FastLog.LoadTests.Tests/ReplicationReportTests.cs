using FastLog.LoadTests.Bench;
using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Tests;

public sealed class ReplicationReportTests
{
    [Fact]
    public void FiguresAreComparedAsRatiosToTheBaseline()
    {
        var ratios = new ReplicationFigures(50, 50_000, 12, 3_000, 20_000).RatiosTo(new ReplicationFigures(200, 200_000, 4, 1_000, 10_000));

        Assert.Equal(new ReplicationFigures(0.25, 0.25, 3, 3, 2), ratios);
    }

    [Fact]
    public void ABaselineFigureOfZeroHasNoRatio()
    {
        var ratios = new ReplicationFigures(50, 50_000, 12, 3_000, 20_000).RatiosTo(new ReplicationFigures(0, 0, double.NaN, 1_000, 10_000));

        Assert.True(double.IsNaN(ratios.ProduceMBps));
        Assert.True(double.IsNaN(ratios.ProduceRecordsPerSecond));
        Assert.True(double.IsNaN(ratios.CpuSecondsPerGB));
        Assert.Equal("n/a", ReplicationMarkdown.Times(ratios.ProduceMBps));
        Assert.Equal("3.00×", ReplicationMarkdown.Times(ratios.AckP50));
    }

    [Fact]
    public void TheReportComparesEverySetupWithTheSingleNodeOfTheSameRun()
    {
        var report = new ReplicationReport
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            Quick = true,
            Machine = "test machine",
            LatencyRate = 1_000,
            Runs =
            [
                Run(ReplicationSetup.All[0], producedMB: 200, brokerCpuSeconds: 1, ackP50Micros: 1_000, ackP99Micros: 4_000),
                Run(ReplicationSetup.All.Single(s => s.Name == "rf3-acksall-flush"), producedMB: 50, brokerCpuSeconds: 1, ackP50Micros: 3_000, ackP99Micros: 6_000),
            ],
        };

        Assert.Equal(new ReplicationFigures(1, 1, 1, 1, 1), report.Ratios(report.Runs[0]));
        Assert.Equal(new ReplicationFigures(0.25, 0.25, 4, 3, 1.5), report.Ratios(report.Runs[1]));
        var markdown = ReplicationMarkdown.Render(report);
        Assert.Contains("| single-acksall | 20.0 | 19,531 | 1.00× | 5.0 | 1.00× | 1.00 | 1.00× | 4.00 | 1.00× | kept up | 1.50 |", markdown);
        Assert.Contains("| rf3-acksall-flush | 5.0 | 4,883 | 0.25× | 20.0 | 4.00× | 3.00 | 3.00× | 6.00 | 1.50× | kept up | 1.50 |", markdown);
    }

    [Fact]
    public void TheBaselineIsASingleNodeAndEveryClusterSetupCanMeetMinInSyncReplicas()
    {
        Assert.Equal((1, (short)1, -1, false), (ReplicationSetup.All[0].Brokers, ReplicationSetup.All[0].ReplicationFactor, ReplicationSetup.All[0].Acks, ReplicationSetup.All[0].Quorum));
        Assert.Contains(ReplicationSetup.All, s => s is { Brokers: 1, ReplicationFactor: 1, Acks: -1, Quorum: true });
        Assert.All(ReplicationSetup.All, s => Assert.True(s.ReplicationFactor <= s.Brokers && (s.MinInSyncReplicas ?? 1) <= s.ReplicationFactor));
        Assert.Throws<ArgumentException>(() => new ScenarioOptions { ReplicationFactor = 2, MinInSyncReplicas = 3 }.Validate());
    }

    /// <summary>A setup's two 10 s runs: <paramref name="producedMB"/> MB of 1 KiB records flat out for that broker CPU, and a paced run with those ack latencies.</summary>
    private static ReplicationRun Run(ReplicationSetup setup, long producedMB, double brokerCpuSeconds, double ackP50Micros, double ackP99Micros)
    {
        var throughput = TestResults.TenSeconds(new ScenarioOptions { Load = LoadSimulation.InFlight, Consumers = 0 }, producedMB * 1_000_000 / 1024) with { BrokerCpuSeconds = brokerCpuSeconds };
        var latency = TestResults.TenSeconds(new ScenarioOptions { Load = LoadSimulation.Inject, Rate = 1_000, Consumers = 0 }, 10_000) with
        {
            Ack = new LatencySummary(10_000, ackP50Micros, ackP99Micros, ackP99Micros, ackP99Micros, ackP99Micros),
        };
        return new ReplicationRun(setup, LoadAverage: 1.5, throughput, latency);
    }
}
