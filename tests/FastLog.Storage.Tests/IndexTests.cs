using FastLog.Storage.Index;

namespace FastLog.Storage.Tests;

public sealed class IndexTests
{
    [Fact]
    public void OffsetIndex_Lookup_ReturnsLargestEntryAtOrBelowTarget()
    {
        var index = new OffsetIndex(1000);
        index.Append(1000, 0);
        index.Append(1010, 4100);
        index.Append(1025, 8300);

        Assert.Equal((1000L, 0), index.Lookup(1000));
        Assert.Equal((1000L, 0), index.Lookup(1009));
        Assert.Equal((1010L, 4100), index.Lookup(1010));
        Assert.Equal((1010L, 4100), index.Lookup(1024));
        Assert.Equal((1025L, 8300), index.Lookup(long.MaxValue));
        Assert.Equal((1000L, 0), index.Lookup(5));
    }

    [Fact]
    public void OffsetIndex_EmptyIndex_PointsAtSegmentStart() =>
        Assert.Equal((77L, 0), new OffsetIndex(77).Lookup(100));

    [Fact]
    public void OffsetIndex_LookupByPosition_ReturnsLargestEntryAtOrBeforePosition()
    {
        var index = new OffsetIndex(0);
        index.Append(0, 0);
        index.Append(40, 5000);
        index.Append(90, 9000);

        Assert.Equal((0L, 0), index.LookupByPosition(4999));
        Assert.Equal((40L, 5000), index.LookupByPosition(5000));
        Assert.Equal((90L, 9000), index.LookupByPosition(1 << 30));
    }

    [Fact]
    public void OffsetIndex_RefusesEntriesThatDoNotIncrease()
    {
        var index = new OffsetIndex(0);
        index.Append(10, 100);

        Assert.Throws<InvalidOperationException>(() => index.Append(10, 200));
        Assert.Throws<InvalidOperationException>(() => index.Append(20, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Append(-1, 300));
    }

    [Fact]
    public void OffsetIndex_RoundTripsThroughItsBigEndianFileFormat()
    {
        var index = new OffsetIndex(500);
        for (var i = 0; i < 100; i++)
        {
            index.Append(500 + (i * 3), i * 4096);
        }

        var file = new byte[index.Count * 8];
        Assert.Equal(file.Length, index.WriteTo(file, 0));
        Assert.Equal(new byte[] { 0, 0, 0, 3, 0, 0, 0x10, 0 }, file[8..16]);

        var loaded = OffsetIndex.Load(500, file, int.MaxValue, long.MaxValue, long.MaxValue);

        Assert.Equal(index.Entries.ToArray(), loaded.Entries.ToArray());
        Assert.Equal(100, loaded.PersistedCount);
    }

    [Fact]
    public void OffsetIndex_Load_StopsAtZeroFillAndAtTheVerifiedEnd()
    {
        var index = new OffsetIndex(0);
        index.Append(0, 0);
        index.Append(10, 4096);
        index.Append(20, 8192);
        var file = new byte[64]; // preallocated: zeros after the three entries
        index.WriteTo(file, 0);

        Assert.Equal(3, OffsetIndex.Load(0, file, int.MaxValue, long.MaxValue, long.MaxValue).Count);
        Assert.Equal(2, OffsetIndex.Load(0, file, 2, long.MaxValue, long.MaxValue).Count);
        Assert.Equal(2, OffsetIndex.Load(0, file, int.MaxValue, long.MaxValue, 8192).Count);
        Assert.Equal(1, OffsetIndex.Load(0, file, int.MaxValue, 10, long.MaxValue).Count);
    }

    [Fact]
    public void OffsetIndex_WriteTo_WritesOnlyTheNewEntries()
    {
        var index = new OffsetIndex(0);
        index.Append(0, 0);
        index.Append(5, 100);
        index.PersistedCount = 1;
        index.Append(9, 200);

        var tail = new byte[index.UnpersistedBytes];
        index.WriteTo(tail, index.PersistedCount);

        Assert.Equal(16, tail.Length);
        Assert.Equal(new OffsetIndexEntry(5, 100), OffsetIndexEntry.Read(tail));
        Assert.Equal(new OffsetIndexEntry(9, 200), OffsetIndexEntry.Read(tail.AsSpan(8)));
    }

    [Fact]
    public void TimeIndex_KeepsOnlyGrowingTimestamps_AndLooksUpTheFloor()
    {
        var index = new TimeIndex(100);
        index.MaybeAppend(1000, 100);
        index.MaybeAppend(1000, 105); // not larger: skipped
        index.MaybeAppend(900, 106);  // smaller: skipped
        index.MaybeAppend(2000, 110);

        Assert.Equal(2, index.Count);
        Assert.Equal((-1L, 100L), index.Lookup(999));
        Assert.Equal((1000L, 100L), index.Lookup(1000));
        Assert.Equal((1000L, 100L), index.Lookup(1999));
        Assert.Equal((2000L, 110L), index.Lookup(5000));
    }

    [Fact]
    public void TimeIndex_RoundTripsThroughItsFileFormat()
    {
        var index = new TimeIndex(0);
        index.MaybeAppend(1_700_000_000_000, 0);
        index.MaybeAppend(1_700_000_000_500, 30);
        var file = new byte[24 + 12];
        index.WriteTo(file, 0);

        var loaded = TimeIndex.Load(0, file, int.MaxValue, long.MaxValue);

        Assert.Equal(index.Entries.ToArray(), loaded.Entries.ToArray());
        Assert.Single(TimeIndex.Load(0, file, int.MaxValue, 30).Entries.ToArray());
    }

    [Fact]
    public void SegmentIndexer_IndexesFirstBatchThenOncePerInterval()
    {
        var indexer = new SegmentIndexer(0, intervalBytes: 4096);
        long offset = 0;
        var position = 0;
        for (var i = 0; i < 10; i++)
        {
            indexer.OnBatch(offset, 1000 + i, position, 1500);
            offset += 5;
            position += 1500;
        }

        // Entries at batches 0, 3, 6, 9: each after >= 4096 bytes (3 x 1500) since the last.
        int[] positions = [0, 4500, 9000, 13500];
        int[] relativeOffsets = [0, 15, 30, 45];
        long[] timestamps = [1000, 1003, 1006, 1009];
        Assert.Equal(positions, indexer.Offsets.Entries.ToArray().Select(e => e.Position));
        Assert.Equal(relativeOffsets, indexer.Offsets.Entries.ToArray().Select(e => e.RelativeOffset));
        Assert.Equal(timestamps, indexer.Times.Entries.ToArray().Select(e => e.Timestamp));
        Assert.Equal(1009, indexer.MaxTimestamp);
        Assert.Equal(45, indexer.OffsetOfMaxTimestamp);
    }

    [Fact]
    public void SegmentIndexer_TimeIndexPointsAtTheBatchThatFirstReachedTheMax()
    {
        var indexer = new SegmentIndexer(0, intervalBytes: 100);
        indexer.OnBatch(0, 500, 0, 100);
        indexer.OnBatch(1, 900, 100, 100);  // max reached here
        indexer.OnBatch(2, 800, 200, 100);  // older timestamp: max stays 900 @ 1

        Assert.Equal(new[] { new TimeIndexEntry(500, 0), new TimeIndexEntry(900, 1) }, indexer.Times.Entries.ToArray());
    }

    [Fact]
    public void SegmentIndexer_ResumesFromItsState()
    {
        var full = new SegmentIndexer(0, 1000);
        var first = new SegmentIndexer(0, 1000);
        for (var i = 0; i < 20; i++)
        {
            full.OnBatch(i, 100 + i, i * 300, 300);
            if (i < 9)
            {
                first.OnBatch(i, 100 + i, i * 300, 300);
            }
        }

        var resumed = new SegmentIndexer(first.Offsets, first.Times, 1000, first.State);
        for (var i = 9; i < 20; i++)
        {
            resumed.OnBatch(i, 100 + i, i * 300, 300);
        }

        Assert.Equal(full.Offsets.Entries.ToArray(), resumed.Offsets.Entries.ToArray());
        Assert.Equal(full.Times.Entries.ToArray(), resumed.Times.Entries.ToArray());
        Assert.Equal(full.State, resumed.State);
    }
}
