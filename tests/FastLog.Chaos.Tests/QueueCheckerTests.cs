using FastLog.Chaos.Checking;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Tests;

/// <summary>Each of the checker's violations on a hand-made history, and what it must accept.</summary>
public sealed class QueueCheckerTests
{
    private static readonly CheckPolicy Acks1Written = new() { AtLeastOnce = true, LossWindowMs = 600 };

    [Fact]
    public void AHistoryWhereEverythingIsWhereItWasAcknowledged_HasNoFinding()
    {
        var history = new HistoryBuilder().OkStored(0, 0, 0).OkStored(1, 1, 0).OkStored(2, 0, 1)
            .Read("assigned", 0, 0, 0, 0).Read("assigned", 0, 2, 0, 1).Read("assigned", 0, 1, 1, 0)
            .Commit("group-0", 0, 2, 10).FinalCommitted(0, 2);

        var result = QueueChecker.Check(history.History, CheckPolicy.Strict);

        Assert.Empty(result.Findings);
        Assert.True(result.Valid);
        Assert.Equal(3, result.WritesByOutcome[WriteOutcome.Ok]);
    }

    [Fact]
    public void AnAcknowledgedWriteMissingFromTheFinalRead_IsLost()
    {
        var history = new HistoryBuilder().OkStored(0, 0, 0).Ok(1, 0, 1);

        var finding = Assert.Single(QueueChecker.Check(history.History, CheckPolicy.Strict).Findings);

        Assert.Equal((ViolationKind.Lost, false), (finding.Kind, finding.ByDesign));
        Assert.Contains("p0-1", finding.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ALossWithinTheFlushIntervalBeforeAKill_IsByDesignUnderAcks1Written_AndAnOlderOneIsNot()
    {
        // Killed at 1000 ms: the write acknowledged at 900 ms (100 ms before) may be lost, the one at 100 ms may not;
        // one acknowledged while the node was down was answered by the killed process just before it died.
        var history = new HistoryBuilder().Ok(0, 0, 0, ackMs: 100).Ok(1, 0, 1, ackMs: 900).Ok(2, 0, 2, ackMs: 1100).Kill(1000, 2500);

        var result = QueueChecker.Check(history.History, Acks1Written);

        Assert.Equal(1, result.Count(ViolationKind.Lost, byDesign: false));
        Assert.Equal(2, result.Count(ViolationKind.Lost, byDesign: true));
        Assert.Equal(100, result.MaxLostAckAgeMs);
        Assert.False(result.Valid);
        Assert.All(QueueChecker.Check(history.History, CheckPolicy.Strict).Findings, f => Assert.False(f.ByDesign));
    }

    [Fact]
    public void AValueStoredAtTwoOffsets_IsDuplicated_ByDesignOnlyWhenAtLeastOnce()
    {
        // A consumer reading the extra copy read what the log holds there: a duplicate, not an inconsistency.
        var history = new HistoryBuilder().OkStored(0, 0, 0).Stored(0, 0, 1).Read("assigned", 0, 0, 0, 0).Read("assigned", 0, 0, 0, 1);

        var strict = QueueChecker.Check(history.History, CheckPolicy.Strict);
        var atLeastOnce = QueueChecker.Check(history.History, Acks1Written);

        Assert.Equal(1, strict.Count(ViolationKind.Duplicated, byDesign: false));
        Assert.Equal(1, atLeastOnce.Count(ViolationKind.Duplicated, byDesign: true));
        Assert.Equal(0, atLeastOnce.Count(ViolationKind.Duplicated, byDesign: false));
        Assert.Single(strict.Findings);
        Assert.Single(atLeastOnce.Findings);
    }

    [Fact]
    public void AnAcknowledgementWithoutAnOffset_IsCheckedForLossAndDuplicationOnly()
    {
        // librdkafka acknowledges a DUPLICATE_SEQUENCE_NUMBER answer ("already stored") with offset -1001.
        var storedOnce = new HistoryBuilder().Ok(0, 2, -1001).Stored(0, 2, 1819);
        var neverStored = new HistoryBuilder().Ok(0, 2, -1001);
        var storedTwice = new HistoryBuilder().Ok(0, 2, -1001).Stored(0, 2, 1819).Stored(0, 2, 1830);

        Assert.Empty(QueueChecker.Check(storedOnce.History, CheckPolicy.Strict).Findings);
        Assert.Equal(ViolationKind.Lost, Assert.Single(QueueChecker.Check(neverStored.History, CheckPolicy.Strict).Findings).Kind);
        Assert.Equal(ViolationKind.Duplicated, Assert.Single(QueueChecker.Check(storedTwice.History, CheckPolicy.Strict).Findings).Kind);
    }

    [Fact]
    public void AValueStoredOrReadElsewhereThanAcknowledged_IsAnInconsistentOffset()
    {
        var stored = new HistoryBuilder().Ok(0, 0, 5).Stored(0, 0, 6);
        var readWhereNothingIs = new HistoryBuilder().OkStored(0, 0, 5).Read("group-1", 1, 0, 0, 7);
        var readWhereAnotherIs = new HistoryBuilder().OkStored(0, 0, 5).OkStored(1, 0, 6).Read("assigned", 0, 0, 0, 5).Read("assigned", 0, 0, 0, 6);

        Assert.Equal(ViolationKind.InconsistentOffset, Assert.Single(QueueChecker.Check(stored.History, CheckPolicy.Strict).Findings).Kind);
        Assert.Contains(QueueChecker.Check(readWhereNothingIs.History, CheckPolicy.Strict).Findings, f => f.Kind == ViolationKind.InconsistentOffset && f.Description.StartsWith("group-1", StringComparison.Ordinal));
        Assert.Contains("final read has p0-1", Assert.Single(QueueChecker.Check(readWhereAnotherIs.History, CheckPolicy.Strict).Findings, f => f.Kind == ViolationKind.InconsistentOffset).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AProducersSequenceOutOfOrderInAPartition_IsReordered()
    {
        // Sequences 0, 2, 1 in offset order of partition 0 (as acknowledged, so only the order is wrong).
        var history = new HistoryBuilder().OkStored(0, 0, 0).OkStored(2, 0, 1).OkStored(1, 0, 2).OkStored(3, 1, 0);

        var finding = Assert.Single(QueueChecker.Check(history.History, CheckPolicy.Strict).Findings);

        Assert.Equal(ViolationKind.Reordered, finding.Kind);
        Assert.Contains("p0-1 at offset 2", finding.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueNeverSent_IsUnexpected()
    {
        var history = new HistoryBuilder().OkStored(0, 0, 0).StoredValue("p0-99", 0, 1).StoredValue("garbage", 0, 2);

        var result = QueueChecker.Check(history.History, CheckPolicy.Strict);

        Assert.Equal(2, result.Count(ViolationKind.Unexpected, byDesign: false));
    }

    [Fact]
    public void ADefiniteFailureThatIsStored_IsFailedButPresent()
    {
        var history = new HistoryBuilder().Write(0, WriteOutcome.Failed).Stored(0, 0, 0).Write(1, WriteOutcome.Failed);

        Assert.Equal(ViolationKind.FailedButPresent, Assert.Single(QueueChecker.Check(history.History, CheckPolicy.Strict).Findings).Kind);
    }

    [Fact]
    public void AnIndeterminateWrite_MayBeStoredOnceOrNotAtAll_ButNotTwice()
    {
        var absentOrOnce = new HistoryBuilder().Write(0, WriteOutcome.Indeterminate).Write(1, WriteOutcome.Indeterminate).Stored(1, 0, 0);
        var twice = new HistoryBuilder().Write(0, WriteOutcome.Indeterminate).Stored(0, 0, 0).Stored(0, 0, 1);

        Assert.Empty(QueueChecker.Check(absentOrOnce.History, CheckPolicy.Strict).Findings);
        Assert.Equal(ViolationKind.Duplicated, Assert.Single(QueueChecker.Check(twice.History, CheckPolicy.Strict).Findings).Kind);
    }

    [Fact]
    public void AConsumerSessionJumpingOverStoredOffsets_Skipped_ButNotOverAGapInTheLog()
    {
        // The log holds 0, 1, 2 and then 5 (3 and 4 are a gap): 0 -> 2 skips 1, 2 -> 5 skips nothing.
        var history = new HistoryBuilder().OkStored(0, 0, 0).OkStored(1, 0, 1).OkStored(2, 0, 2).OkStored(3, 0, 5)
            .Read("assigned", 0, 0, 0, 0).Read("assigned", 0, 2, 0, 2).Read("assigned", 0, 3, 0, 5);

        var finding = Assert.Single(QueueChecker.Check(history.History, CheckPolicy.Strict).Findings);

        Assert.Equal(ViolationKind.SkippedOffset, finding.Kind);
        Assert.Contains("offset 2 after 0", finding.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AConsumerSessionReadingBackwards_IsNonMonotonic_ButANewSessionMayStartOver()
    {
        var history = new HistoryBuilder().OkStored(0, 0, 0).OkStored(1, 0, 1)
            .Read("group-0", 1, 0, 0, 0).Read("group-0", 1, 1, 0, 1).Read("group-0", 1, 1, 0, 1)
            .Read("group-0", 2, 0, 0, 0).Read("group-0", 2, 1, 0, 1);

        var finding = Assert.Single(QueueChecker.Check(history.History, CheckPolicy.Strict).Findings);

        Assert.Equal(ViolationKind.NonMonotonicPoll, finding.Kind);
        Assert.Contains("session 1", finding.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ACommittedOffsetGoingDown_InTheRunOrWhenReadBack_WentBackwards()
    {
        var inRun = new HistoryBuilder().Commit("group-0", 0, 10, 1).Commit("group-1", 0, 8, 2).FinalCommitted(0, 10);
        var readBack = new HistoryBuilder().Commit("group-0", 0, 10, 1).FinalCommitted(0, 9);
        var forward = new HistoryBuilder().Commit("group-0", 0, 10, 1).Commit("group-1", 0, 10, 2).Commit("group-1", 0, 12, 3).FinalCommitted(0, 12);

        Assert.Equal(ViolationKind.CommitWentBackwards, Assert.Single(QueueChecker.Check(inRun.History, CheckPolicy.Strict).Findings).Kind);
        Assert.Contains("read back at the end is 9", Assert.Single(QueueChecker.Check(readBack.History, CheckPolicy.Strict).Findings).Description, StringComparison.Ordinal);
        Assert.Empty(QueueChecker.Check(forward.History, CheckPolicy.Strict).Findings);
    }
}
