using FastLog.Storage.Epochs;

namespace FastLog.Storage.Tests;

public sealed class LeaderEpochCacheTests
{
    private static LeaderEpochCache Cache(params (int Epoch, long StartOffset)[] entries) =>
        new(entries.Select(e => new EpochEntry(e.Epoch, e.StartOffset)));

    private static (int, long)[] Entries(LeaderEpochCache cache) => cache.Entries.Select(e => (e.Epoch, e.StartOffset)).ToArray();

    [Fact]
    public void Assign_RecordsOnlyNewerEpochs_AndNeverTheMissingEpoch()
    {
        var cache = Cache();

        cache.Assign(-1, 0);
        Assert.False(cache.HasUnsavedChanges);
        cache.Assign(0, 5);
        cache.Assign(0, 9);
        cache.Assign(3, 12);
        cache.Assign(2, 20);
        cache.Assign(-1, 30);

        Assert.Equal([(0, 5L), (3, 12L)], Entries(cache));
        Assert.Equal(3, cache.LatestEpoch);
        Assert.True(cache.HasUnsavedChanges);
        cache.MarkSaved();
        Assert.False(cache.HasUnsavedChanges);
    }

    [Fact]
    public void Assign_BelowTheLatestStart_DropsTheEntriesItWouldOvertake()
    {
        var cache = Cache((1, 0), (3, 10), (5, 20));

        cache.Assign(6, 15);

        Assert.Equal([(1, 0L), (3, 10L), (6, 15L)], Entries(cache));
    }

    [Theory]
    [InlineData(5, 5, 30)] // the latest epoch ends at the log end
    [InlineData(3, 3, 20)] // an older one where the next begins
    [InlineData(4, 3, 20)] // one that never wrote: the epoch before it, ending where the next begins
    [InlineData(2, 1, 10)]
    [InlineData(1, 1, 10)]
    [InlineData(0, 0, 0)] // below every entry: the requested epoch, ending where the first begins (Kafka)
    [InlineData(6, -1, -1)] // above every entry
    [InlineData(-1, -1, -1)] // no epoch
    public void EndOffsetFor_FollowsKafkasOffsetForLeaderEpoch(int requested, int epoch, long endOffset)
    {
        var cache = Cache((1, 0), (3, 10), (5, 20));

        Assert.Equal((epoch, endOffset), cache.EndOffsetFor(requested, logEndOffset: 30));
    }

    [Fact]
    public void EndOffsetFor_AnEmptyCacheKnowsNoEpoch()
    {
        Assert.Equal((-1, -1L), Cache().EndOffsetFor(0, 30));
    }

    [Fact]
    public void TruncateFromEnd_DropsEntriesStartingAtOrAfterTheNewEnd()
    {
        var cache = Cache((1, 0), (3, 10), (5, 20));

        cache.TruncateFromEnd(21);
        Assert.False(cache.HasUnsavedChanges);
        cache.TruncateFromEnd(20);

        Assert.Equal([(1, 0L), (3, 10L)], Entries(cache));
        Assert.True(cache.HasUnsavedChanges);
    }

    [Fact]
    public void TruncateFromStart_KeepsTheEpochOfTheFirstRemainingBatch_StartingAtTheNewStart()
    {
        var cache = Cache((1, 0), (3, 10), (5, 20));

        cache.TruncateFromStart(0);
        Assert.False(cache.HasUnsavedChanges);
        cache.TruncateFromStart(12);
        Assert.Equal([(3, 12L), (5, 20L)], Entries(cache));
        cache.TruncateFromStart(25);
        Assert.Equal([(5, 25L)], Entries(cache));
        Assert.True(cache.HasUnsavedChanges);
    }

    [Fact]
    public void CheckpointFile_IsKafkasTextFormat_AndRoundTrips()
    {
        EpochEntry[] entries = [new(0, 0), new(3, 1200)];

        var text = LeaderEpochCheckpointFile.Format(entries);

        Assert.Equal("0\n2\n0 0\n3 1200\n", text);
        Assert.Equal(entries, LeaderEpochCheckpointFile.Parse(text));
        Assert.Empty(LeaderEpochCheckpointFile.Parse("0\n0\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1\n0\n")] // another version
    [InlineData("0\n2\n0 0\n")] // fewer entries than counted
    [InlineData("0\n1\n0 0\n3 9\n")] // more
    [InlineData("0\n1\n0 0")] // no final newline
    [InlineData("0\n1\n0,0\n")]
    [InlineData("0\n1\n-1 0\n")]
    [InlineData("0\n2\n3 0\n2 5\n")] // epochs not ascending
    [InlineData("0\n2\n2 9\n3 5\n")] // offsets going back
    public void CheckpointFile_RefusesAnythingElse(string text)
    {
        Assert.Throws<InvalidDataException>(() => LeaderEpochCheckpointFile.Parse(text));
    }
}
