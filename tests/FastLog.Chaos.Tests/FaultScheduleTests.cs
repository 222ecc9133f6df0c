using FastLog.Chaos.Faults;

namespace FastLog.Chaos.Tests;

public sealed class FaultScheduleTests
{
    private static readonly FaultKind[] All = [FaultKind.Kill, FaultKind.Pause, FaultKind.Disk];

    [Fact]
    public void TheSameSeed_GivesTheSameSchedule_AndAnotherSeedAnother()
    {
        var timing = new FaultTiming();

        Assert.Equal(FaultSchedule.Create(42, 50, All, 3, timing), FaultSchedule.Create(42, 50, All, 3, timing));
        Assert.NotEqual(FaultSchedule.Create(42, 50, All, 3, timing), FaultSchedule.Create(43, 50, All, 3, timing));
    }

    [Fact]
    public void Faults_AreDrawnFromTheGivenKindsAndNodes_WithinTheirTimingRanges()
    {
        var timing = new FaultTiming();

        var schedule = FaultSchedule.Create(7, 200, [FaultKind.Kill, FaultKind.Pause], 2, timing);

        Assert.Equal(200, schedule.Count);
        Assert.Equal([FaultKind.Kill, FaultKind.Pause], schedule.Select(f => f.Kind).Distinct().Order());
        Assert.Equal([0, 1], schedule.Select(f => f.Node).Distinct().Order());
        Assert.All(schedule, f => Assert.InRange(f.LoadBefore.TotalMilliseconds, timing.LoadMinMs, timing.LoadMaxMs));
        Assert.All(schedule.Where(f => f.Kind == FaultKind.Pause), f => Assert.InRange(f.Hold.TotalMilliseconds, timing.PauseMinMs, timing.PauseMaxMs));
        Assert.All(schedule.Where(f => f.Kind == FaultKind.Kill), f => Assert.InRange(f.Hold.TotalMilliseconds, 0, timing.KillDownMaxMs));
    }

    [Fact]
    public void Counts_GiveExactlyThatManyOfEachKind_InASeededOrder_AndLeaderKillsAPartition()
    {
        var counts = new Dictionary<FaultKind, int> { [FaultKind.LeaderKill] = 10, [FaultKind.ControllerKill] = 3, [FaultKind.Isolate] = 5 };
        var timing = FaultTiming.Cluster;

        var schedule = FaultSchedule.Create(5, 18, [.. counts.Keys], 3, timing, partitions: 4, counts: counts);

        Assert.Equal(schedule, FaultSchedule.Create(5, 18, [.. counts.Keys], 3, timing, partitions: 4, counts: counts));
        Assert.Equal(counts.OrderBy(c => c.Key), schedule.GroupBy(f => f.Kind).Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderBy(c => c.Key));
        Assert.NotEqual(schedule.Select(f => f.Kind).Order(), schedule.Select(f => f.Kind));
        Assert.All(schedule.Where(f => f.Kind == FaultKind.LeaderKill), f => Assert.InRange(f.Partition, 0, 3));
        Assert.All(schedule.Where(f => f.Kind.IsFailover()), f => Assert.Equal(-1, f.Node));
        Assert.All(schedule.Where(f => f.Kind == FaultKind.Isolate), f => Assert.InRange(f.Hold.TotalMilliseconds, timing.IsolateMinMs, timing.IsolateMaxMs));
        Assert.Throws<ArgumentException>(() => FaultSchedule.Create(5, 17, [.. counts.Keys], 3, timing, counts: counts));
    }

    [Theory]
    [InlineData("isolate", 1, 3, new[] { 1 }, new[] { 2, 0 })]
    [InlineData("split", 2, 3, new[] { 2 }, new[] { 0, 1 })]
    [InlineData("split", 4, 5, new[] { 4, 0 }, new[] { 1, 2, 3 })]
    [InlineData("bridge", 0, 3, new[] { 1 }, new[] { 2 })]
    [InlineData("bridge", 2, 5, new[] { 3, 4 }, new[] { 0, 1 })]
    public void ANetworkFault_CutsTheSidesItNames(string name, int node, int nodeCount, int[] sideA, int[] sideB)
    {
        Assert.True(FaultKinds.TryParse(name, out var kind));
        Assert.True(kind.IsNetwork());

        var (a, b) = FaultInjector.Sides(kind, node, nodeCount);

        Assert.Equal(sideA, a);
        Assert.Equal(sideB, b);
        // A split leaves the controller's side a minority; a bridge leaves its node on neither side.
        Assert.True(kind != FaultKind.Split || a.Length < b.Length);
        Assert.True(kind != FaultKind.Bridge || (!a.Contains(node) && !b.Contains(node) && a.Length + b.Length == nodeCount - 1));
    }

    [Theory]
    [InlineData("leader-kill:100,pause:50,isolate:50,controller-kill:30", 230)]
    [InlineData("kill,rolling-restart", 100)]
    [InlineData("split:2,bridge:3", 5)]
    public void TheFaultsOption_TakesKindsOrCountsPerKind(string faults, int cycles)
    {
        var options = ChaosOptions.Parse(["--cluster", "3", "--faults", faults]);

        Assert.Equal(cycles, options.Cycles);
        Assert.Equal(3, options.Cluster);
        Assert.Equal(FaultTiming.Cluster, options.Timing);
        Assert.All(options.Faults!, kind => Assert.Contains(kind.Name(), faults, StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => ChaosOptions.Parse(["--faults", "leader-kill:3,pause"]));
        Assert.Throws<ArgumentException>(() => ChaosOptions.Parse(["--faults", "halves"]));
        Assert.Throws<ArgumentException>(() => ChaosOptions.Parse(["--cluster", "6"]));
    }
}
