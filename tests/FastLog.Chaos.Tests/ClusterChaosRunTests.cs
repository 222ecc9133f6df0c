using FastLog.Chaos.Deployment;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;
using FastLog.Chaos.Report;
using FastLog.Testing;

namespace FastLog.Chaos.Tests;

/// <summary>
/// The CI subset of `scripts/chaos.sh --cluster 3`: three real brokers, a topic with RF 3 and
/// min.insync.replicas 2 under idempotent acks=all load, three leader kills, a controller kill, a
/// pause and (as root, in network namespaces) a broker cut off, a split whose minority holds the
/// controller and a bridge; nothing lost, duplicated or moved.
/// </summary>
public sealed class ClusterChaosRunTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("fastlog-chaos-cluster-test-").FullName;

    [Fact]
    public async Task LeaderAndControllerKillsAPauseAndNetworkPartitions_UnderAcksAll_LoseAndDuplicateNothing()
    {
        var counts = new Dictionary<FaultKind, int> { [FaultKind.LeaderKill] = 3, [FaultKind.ControllerKill] = 1, [FaultKind.Pause] = 1 };
        if (NetworkNamespaces.Available)
        {
            counts[FaultKind.Isolate] = 1;
            counts[FaultKind.Split] = 1;
            counts[FaultKind.Bridge] = 1;
        }

        var timing = new FaultTiming { LoadMinMs = 1000, LoadMaxMs = 2000, KillDownMaxMs = 3000, PauseMinMs = 3500, PauseMaxMs = 4000, IsolateMinMs = 5000, IsolateMaxMs = 6000 };
        var options = new ChaosOptions { Cycles = counts.Values.Sum(), Seed = 1, Faults = [.. counts.Keys], FaultCounts = counts, Cluster = 3, Timing = timing, Producers = 2, Rate = 300, Out = _out };
        await using var system = new ClusterDeployment(new ClusterOptions { Faults = options.Faults, Directory = _out });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        var report = await ChaosRun.ExecuteAsync(options, system, TextWriter.Null, timeout.Token);

        Assert.Equal(counts.OrderBy(c => c.Key), report.History.Faults.GroupBy(f => f.Kind).Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderBy(c => c.Key));
        Assert.Equal(3, report.Workload.ReplicationFactor);
        Assert.Equal((short)2, report.Workload.MinInsyncReplicas);
        Assert.True(report.Result.WritesByOutcome[WriteOutcome.Ok] > 0);
        var violations = report.Result.Findings.Where(f => !f.ByDesign).ToList();
        Assert.True(violations.Count == 0, string.Join('\n', violations.Take(20).Select(f => $"{f.Kind}: {f.Description}")));
        var timeline = Timeline.Of(report.History);
        Assert.Equal(4, timeline.FailoverMs.Count);
        Assert.All(timeline.FailoverMs.Values, failover => Assert.NotNull(failover));
        Assert.Contains("Failover (leader and controller kills, 4", File.ReadAllText(ReportFiles.Write(report, _out)), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
