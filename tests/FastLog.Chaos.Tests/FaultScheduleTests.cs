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
}
