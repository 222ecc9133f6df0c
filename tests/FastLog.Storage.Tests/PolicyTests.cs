using FastLog.Storage.Policy;

namespace FastLog.Storage.Tests;

public sealed class PolicyTests
{
    private const long Now = 1_800_000_000_000;
    private const long Hour = 3_600_000;

    private static SegmentSummary Segment(long baseOffset, long nextOffset, long size, long maxTimestamp = Now, long firstTimestamp = -1, long opened = Now) =>
        new(baseOffset, nextOffset, size, firstTimestamp, maxTimestamp, opened);

    [Fact]
    public void Roll_WhenTheAppendWouldExceedSegmentBytes()
    {
        var options = new StorageOptions { SegmentBytes = 1000 };

        Assert.False(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 10, 900), 100, 20, Now, options, Now));
        Assert.True(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 10, 900), 101, 20, Now, options, Now));
    }

    [Fact]
    public void Roll_NeverLeavesAnEmptySegment_EvenForAnOversizedBatch() =>
        Assert.False(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 0, 0), 5000, 0, Now, new StorageOptions { SegmentBytes = 1000 }, Now));

    [Fact]
    public void Roll_WhenRelativeOffsetsWouldOverflowI32() =>
        Assert.True(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 10, 10), 10, (long)int.MaxValue + 1, Now, new StorageOptions(), Now));

    [Fact]
    public void Roll_SegmentBytesIsCappedBelow2GiB() =>
        Assert.True(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 10, int.MaxValue - 10), 11, 20, Now, new StorageOptions { SegmentBytes = 10L << 30 }, Now));

    [Fact]
    public void Roll_ByAge_ComparesTheIncomingTimestampWithTheFirstBatchs()
    {
        var options = new StorageOptions { SegmentAge = TimeSpan.FromHours(1) };
        var segment = Segment(0, 10, 10, firstTimestamp: Now - (5 * Hour));

        // Kafka's rule: old data replayed now does not roll on every append...
        Assert.False(SegmentRollPolicy.ShouldRollForAppend(segment, 1, 11, Now - (5 * Hour) + 10, options, Now));
        // ...but a batch an hour newer than the segment's first does.
        Assert.True(SegmentRollPolicy.ShouldRollForAppend(segment, 1, 11, Now - (4 * Hour), options, Now));
    }

    [Fact]
    public void Roll_ByAge_WithoutTimestamps_UsesTheTimeTheSegmentWasOpened()
    {
        var options = new StorageOptions { SegmentAge = TimeSpan.FromHours(1) };

        Assert.True(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 10, 10, opened: Now - Hour), 1, 11, -1, options, Now));
        Assert.False(SegmentRollPolicy.ShouldRollForAppend(Segment(0, 10, 10, opened: Now - Hour + 1), 1, 11, -1, options, Now));
    }

    [Fact]
    public void RollIdle_WhenTheWholeActiveSegmentIsPastRetention()
    {
        var options = new StorageOptions { RetentionAge = TimeSpan.FromHours(1) };

        Assert.True(SegmentRollPolicy.ShouldRollIdle(Segment(0, 10, 10, maxTimestamp: Now - Hour - 1, firstTimestamp: Now - Hour - 5), options, Now));
        Assert.False(SegmentRollPolicy.ShouldRollIdle(Segment(0, 10, 10, maxTimestamp: Now - 5, firstTimestamp: Now - Hour - 5), options, Now));
        Assert.False(SegmentRollPolicy.ShouldRollIdle(Segment(0, 0, 0, maxTimestamp: -1), options, Now));
        Assert.False(SegmentRollPolicy.ShouldRollIdle(Segment(0, 10, 10, maxTimestamp: Now - (9 * Hour)), options with { RetentionAge = null }, Now));
    }

    [Fact]
    public void Retention_BySize_KeepsAtLeastRetentionBytes()
    {
        var options = new StorageOptions { RetentionBytes = 250, RetentionAge = null };
        SegmentSummary[] segments = [Segment(0, 10, 100), Segment(10, 20, 100), Segment(20, 30, 100), Segment(30, 40, 100)];

        // 400 bytes: dropping the first leaves 300 >= 250; dropping the second would leave 200 < 250.
        Assert.Equal(1, RetentionPolicy.DeletableSegments(segments, 0, segments[^1].NextOffset, options, Now));
        Assert.Equal(0, RetentionPolicy.DeletableSegments(segments, 0, segments[^1].NextOffset, options with { RetentionBytes = -1 }, Now));
        Assert.Equal(3, RetentionPolicy.DeletableSegments(segments, 0, segments[^1].NextOffset, options with { RetentionBytes = 0 }, Now));
    }

    [Fact]
    public void Retention_ByAge_DeletesOldClosedSegments_NeverTheActiveOne()
    {
        var options = new StorageOptions { RetentionAge = TimeSpan.FromHours(1) };
        SegmentSummary[] segments =
        [
            Segment(0, 10, 100, maxTimestamp: Now - (3 * Hour)),
            Segment(10, 20, 100, maxTimestamp: Now - (2 * Hour)),
            Segment(20, 30, 100, maxTimestamp: Now - (2 * Hour)),
        ];

        Assert.Equal(2, RetentionPolicy.DeletableSegments(segments, 0, segments[^1].NextOffset, options, Now));
    }

    [Fact]
    public void Retention_ByAge_StopsAtTheFirstYoungSegment()
    {
        var options = new StorageOptions { RetentionAge = TimeSpan.FromHours(1) };
        SegmentSummary[] segments =
        [
            Segment(0, 10, 100, maxTimestamp: Now - 5),
            Segment(10, 20, 100, maxTimestamp: Now - (2 * Hour)),
            Segment(20, 30, 100),
        ];

        Assert.Equal(0, RetentionPolicy.DeletableSegments(segments, 0, segments[^1].NextOffset, options, Now));
    }

    [Fact]
    public void Retention_DeletesSegmentsWhollyBelowLogStartOffset()
    {
        var options = new StorageOptions { RetentionAge = null };
        SegmentSummary[] segments = [Segment(0, 10, 100), Segment(10, 20, 100), Segment(20, 30, 100)];

        Assert.Equal(0, RetentionPolicy.DeletableSegments(segments, 9, segments[^1].NextOffset, options, Now));
        Assert.Equal(1, RetentionPolicy.DeletableSegments(segments, 10, segments[^1].NextOffset, options, Now));
        Assert.Equal(2, RetentionPolicy.DeletableSegments(segments, 30, segments[^1].NextOffset, options, Now));
    }

    [Fact]
    public void Retention_DeletesOnlySegmentsWhollyBelowTheHighWatermark()
    {
        var options = new StorageOptions { RetentionBytes = 0, RetentionAge = null };
        SegmentSummary[] segments = [Segment(0, 10, 100), Segment(10, 20, 100), Segment(20, 30, 100), Segment(30, 40, 100)];

        Assert.Equal(0, RetentionPolicy.DeletableSegments(segments, 0, 9, options, Now));
        Assert.Equal(1, RetentionPolicy.DeletableSegments(segments, 0, 19, options, Now));
        Assert.Equal(2, RetentionPolicy.DeletableSegments(segments, 0, 20, options, Now));
        Assert.Equal(2, RetentionPolicy.DeletableSegments(segments, 30, 20, options, Now));
    }

    [Fact]
    public void AdvanceLogStart_MovesForwardOnly_AndNeverPastTheHighWatermark()
    {
        Assert.True(RetentionPolicy.TryAdvanceLogStart(10, 50, 100, out var moved));
        Assert.Equal(50, moved);
        Assert.True(RetentionPolicy.TryAdvanceLogStart(50, 20, 100, out var kept));
        Assert.Equal(50, kept);
        Assert.True(RetentionPolicy.TryAdvanceLogStart(50, 100, 100, out var atEnd));
        Assert.Equal(100, atEnd);
        Assert.False(RetentionPolicy.TryAdvanceLogStart(50, 101, 100, out _));
        Assert.False(RetentionPolicy.TryAdvanceLogStart(50, -3, 100, out _));
    }
}
