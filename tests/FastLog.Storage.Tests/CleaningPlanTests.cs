using FastLog.Storage.Compaction;
using FastLog.Storage.Policy;

namespace FastLog.Storage.Tests;

/// <summary>The cleaner's pure rules: when a log is due, how far it may clean, the key map's bound, the tombstone horizon.</summary>
public sealed class CleaningPlanTests
{
    private const long Now = 1_700_000_000_000;
    private static readonly CompactionOptions Defaults = new();

    /// <summary>Segments of 1,000 bytes and 100 offsets each, the last one active; batches stamped <paramref name="ageMs"/> before now.</summary>
    private static List<SegmentSummary> Segments(int count, long ageMs = 0) =>
        Enumerable.Range(0, count).Select(i => new SegmentSummary(i * 100, (i + 1) * 100, 1_000, Now - ageMs, Now - ageMs, Now)).ToList();

    [Fact]
    public void DirtyRatio_CountsClosedSegmentsOnly_AndDecidesWhenDue()
    {
        // 4 closed segments, the first 3 clean: ratio 1/4, below the default 0.5.
        var verdict = CleaningPlan.Evaluate(Segments(5), firstDirtyOffset: 300, highWatermark: 500, Defaults, Now);
        Assert.Equal((4, 1_000L, 0.25, false), (verdict.CleanableSegments, verdict.DirtyBytes, verdict.DirtyRatio, verdict.Due));

        var half = CleaningPlan.Evaluate(Segments(5), firstDirtyOffset: 200, highWatermark: 500, Defaults, Now);
        Assert.True(half.Due);
        Assert.False(CleaningPlan.Evaluate(Segments(5), 400, 500, Defaults, Now).Due); // nothing dirty
    }

    [Fact]
    public void HighWatermark_AndMinCompactionLag_BoundWhatIsCleanable()
    {
        Assert.Equal(2, CleaningPlan.Evaluate(Segments(5), 0, highWatermark: 250, Defaults, Now).CleanableSegments);
        var lagged = Defaults with { MinCompactionLag = TimeSpan.FromMinutes(10) };
        Assert.Equal(0, CleaningPlan.Evaluate(Segments(5, ageMs: 60_000), 0, 500, lagged, Now).CleanableSegments);
        Assert.Equal(4, CleaningPlan.Evaluate(Segments(5, ageMs: 600_000), 0, 500, lagged, Now).CleanableSegments);
    }

    [Fact]
    public void MaxCompactionLag_MakesAnOldDirtySegmentDue_WhateverTheRatio()
    {
        var options = Defaults with { MinCleanableDirtyRatio = 0.99, MaxCompactionLag = TimeSpan.FromHours(1) };
        Assert.False(CleaningPlan.Evaluate(Segments(5, ageMs: 60_000), 300, 500, options, Now).Due);
        Assert.True(CleaningPlan.Evaluate(Segments(5, ageMs: 7_200_000), 300, 500, options, Now).Due);
    }

    [Fact]
    public void OffsetMap_RefusesNewKeysWhenFull_ButUpdatesKnownOnes()
    {
        var map = new OffsetMap(24 * 100);
        for (var i = 0; i < map.MaxEntries; i++)
        {
            Assert.True(map.TryPut(BitConverter.GetBytes(i), i));
        }

        Assert.False(map.HasRoomFor(1));
        Assert.False(map.TryPut(BitConverter.GetBytes(-1), 1_000));
        Assert.True(map.TryPut(BitConverter.GetBytes(3), 500));
        Assert.Equal(500, map.Get(BitConverter.GetBytes(3)));
        Assert.Equal(-1, map.Get(BitConverter.GetBytes(-1)));
        Assert.Equal(90, map.MaxEntries);
    }

    [Fact]
    public void TombstoneHorizon_IsTheEndOfTheLastPassOldEnough_AndSurvivesAReload()
    {
        var checkpoint = CleanerCheckpoint.Empty.WithPass(100, Now).WithPass(250, Now + 1_000).WithPass(400, Now + 5_000);
        Assert.Equal(400, checkpoint.FirstDirtyOffset);
        Assert.Equal(0, checkpoint.TombstoneHorizon(Now + 999, 1_000));
        Assert.Equal(100, checkpoint.TombstoneHorizon(Now + 1_000, 1_000));
        Assert.Equal(250, checkpoint.TombstoneHorizon(Now + 2_000, 1_000));
        Assert.Equal(400, checkpoint.TombstoneHorizon(Now + 6_000, 1_000));

        var directory = Path.Combine(Path.GetTempPath(), $"fastlog-cleaner-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            checkpoint.Save(directory);
            var loaded = CleanerCheckpoint.Load(directory);
            Assert.Equal(checkpoint.FirstDirtyOffset, loaded.FirstDirtyOffset);
            Assert.Equal(checkpoint.Passes, loaded.Passes);

            // Unreadable: start over (a full re-clean, tombstones kept longer), never fail the open.
            File.WriteAllText(Path.Combine(directory, CleanerCheckpoint.FileName), "0\nfirstDirty x\n");
            Assert.Same(CleanerCheckpoint.Empty, CleanerCheckpoint.Load(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ManyPasses_KeepAtMost32Entries_DroppingTheOldest()
    {
        var checkpoint = CleanerCheckpoint.Empty;
        for (var i = 1; i <= 40; i++)
        {
            checkpoint = checkpoint.WithPass(i * 10, Now + i);
        }

        Assert.Equal(32, checkpoint.Passes.Count);
        Assert.Equal(400, checkpoint.FirstDirtyOffset);
    }
}
