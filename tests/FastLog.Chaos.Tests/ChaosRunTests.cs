using FastLog.Chaos.Checking;
using FastLog.Chaos.Deployment;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;
using FastLog.Chaos.Report;
using FastLog.Testing;

namespace FastLog.Chaos.Tests;

/// <summary>
/// The CI subset of `scripts/chaos.sh`: a short real run against the fastlog executable, a few
/// kill -9 cycles, a pause longer than the clients' request timeout and (as root) a full disk,
/// under idempotent acks=all load, with nothing lost, duplicated or moved.
/// </summary>
public sealed class ChaosRunTests : IDisposable
{
    private const int Cycles = 5;
    private readonly string _out = Directory.CreateTempSubdirectory("fastlog-chaos-test-").FullName;

    [Fact]
    public async Task KillsPausesAndAFullDisk_UnderAcksAll_LoseAndDuplicateNothing()
    {
        FaultKind[] kinds = LoopFilesystem.Available ? [FaultKind.Kill, FaultKind.Pause, FaultKind.Disk] : [FaultKind.Kill, FaultKind.Pause];
        var timing = new FaultTiming { LoadMinMs = 800, LoadMaxMs = 1500, KillDownMaxMs = 300, PauseMinMs = 3500, PauseMaxMs = 4000, DiskFullMinMs = 1000, DiskFullMaxMs = 1500 };
        // The first seed whose schedule has every kind, at least two kills, and one pause (each pause takes 4 s).
        var seed = Enumerable.Range(0, 1000).First(s =>
        {
            var drawn = FaultSchedule.Create(s, Cycles, kinds, 1, timing).Select(f => f.Kind).ToList();
            return kinds.All(drawn.Contains) && drawn.Count(k => k == FaultKind.Kill) >= 2 && drawn.Count(k => k == FaultKind.Pause) == 1;
        });
        var options = new ChaosOptions { Cycles = Cycles, Seed = seed, Faults = kinds, Timing = timing, Producers = 2, Rate = 300, Out = _out };
        await using var system = new SingleNode(new SingleNodeOptions { Faults = kinds, DiskMegabytes = 256, LogPath = Path.Combine(_out, "broker.log") });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var report = await ChaosRun.ExecuteAsync(options, system, TextWriter.Null, timeout.Token);

        Assert.Equal(Cycles, report.History.Faults.Count);
        Assert.Equal(kinds.Order(), report.History.Faults.Select(f => f.Kind).Distinct().Order());
        Assert.True(report.Result.WritesByOutcome[WriteOutcome.Ok] > 0);
        Assert.True(report.Result.Valid, string.Join('\n', report.Result.Findings.Take(20).Select(f => $"{f.Kind}: {f.Description}")));
        Assert.Equal(0, report.Result.Count(ViolationKind.Lost, byDesign: true));
        Assert.True(report.Result.Commits > 0 && report.Result.ReadsByReader.Keys.Any(r => r.StartsWith("group-", StringComparison.Ordinal)), "the group read and committed between the faults");
        var markdown = File.ReadAllText(ReportFiles.Write(report, _out));
        Assert.Contains("**PASS", markdown, StringComparison.Ordinal);
        // Writes that were not acknowledged are listed by what they were told.
        Assert.Equal(report.History.Writes.Any(w => w.Outcome != WriteOutcome.Ok), markdown.Contains("| outcome | error | writes | first at |", StringComparison.Ordinal));
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(_out, "timeline.svg")), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
