using FastLog.Storage.Index;
using FastLog.Storage.Recovery;

namespace FastLog.Storage.Tests;

public sealed class RecoveryPlannerTests
{
    private static readonly IndexerState State = new(3, 2, 55, 250, 100);

    private static PartitionCheckpoint Checkpoint(long segment, bool clean) =>
        new(1, clean, 0, segment, SegmentPosition: 4000, NextOffset: 260, State);

    [Fact]
    public void CleanShutdown_ScansNothing()
    {
        var plan = RecoveryPlanner.Plan([0, 100, 200], Checkpoint(200, clean: true));

        Assert.Equal(
            [SegmentRecoveryAction.Trusted, SegmentRecoveryAction.Trusted, SegmentRecoveryAction.CleanTail],
            plan.Select(p => p.Action));
        Assert.Equal(new SegmentRecovery(200, SegmentRecoveryAction.CleanTail, 4000, 260, State), plan[2]);
    }

    [Fact]
    public void Crash_ScansOnlyAfterTheCheckpoint_AndSegmentsRolledSince()
    {
        var plan = RecoveryPlanner.Plan([0, 100, 200, 300], Checkpoint(200, clean: false));

        Assert.Equal(
            [SegmentRecoveryAction.Trusted, SegmentRecoveryAction.Trusted, SegmentRecoveryAction.ScanFromCheckpoint, SegmentRecoveryAction.ScanAll],
            plan.Select(p => p.Action));
        Assert.Equal(4000, plan[2].ResumePosition);
        Assert.Equal(260, plan[2].ResumeNextOffset);
        Assert.Equal(new SegmentRecovery(300, SegmentRecoveryAction.ScanAll, 0, 300, IndexerState.Empty), plan[3]);
    }

    [Fact]
    public void CleanFlagOnANonLastSegment_IsNotTrusted()
    {
        var plan = RecoveryPlanner.Plan([0, 100], Checkpoint(0, clean: true));

        Assert.Equal([SegmentRecoveryAction.ScanFromCheckpoint, SegmentRecoveryAction.ScanAll], plan.Select(p => p.Action));
    }

    [Fact]
    public void NoCheckpoint_OrOneNamingAMissingSegment_ScansEverything()
    {
        Assert.All(RecoveryPlanner.Plan([0, 100], null), p => Assert.Equal(SegmentRecoveryAction.ScanAll, p.Action));
        Assert.All(RecoveryPlanner.Plan([0, 100], Checkpoint(50, clean: true)), p => Assert.Equal(SegmentRecoveryAction.ScanAll, p.Action));
    }

    [Fact]
    public void NoSegments_IsAnEmptyPlan() =>
        Assert.Empty(RecoveryPlanner.Plan([], Checkpoint(0, clean: true)));
}
