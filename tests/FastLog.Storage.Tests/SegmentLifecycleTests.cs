namespace FastLog.Storage.Tests;

/// <summary>Roll, retention and DeleteRecords through a real shard.</summary>
public sealed class SegmentLifecycleTests : IDisposable
{
    private const long Day = 86_400_000;
    private readonly ShardHarness _shard = new();

    public void Dispose() => _shard.Dispose();

    [Fact]
    public async Task Roll_BySize_NamesSegmentsByBaseOffset_AndTrimsClosedOnes()
    {
        var options = new StorageOptions { SegmentBytes = 16_384, TailCacheBytes = 0, RetentionAge = null };
        var log = await _shard.Open(options);
        await _shard.AppendStream(log, 0, 100);

        var bases = SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory));
        Assert.True(bases.Count >= 4, $"{bases.Count} segments");
        Assert.Equal(bases.Count, log.SegmentCount);
        Assert.Equal(0, bases[0]);
        long total = 0;
        for (var i = 0; i < bases.Count - 1; i++)
        {
            var length = new FileInfo(SegmentFileNames.Log(_shard.Directory, bases[i])).Length;
            Assert.InRange(length, 1, 16_384);
            Assert.True(new FileInfo(SegmentFileNames.Index(_shard.Directory, bases[i])).Length > 0);
            total += length;
        }

        Assert.Equal(TestStream.Expected(0, 100, 0), await _shard.ReadFrom(log, 0));
        Assert.True(total < log.SizeBytes);
        await _shard.Close(log);

        var reopened = await _shard.Open(options);
        Assert.Equal(0, reopened.BytesScannedAtOpen);
        Assert.Equal(TestStream.Expected(0, 100, 0), await _shard.ReadFrom(reopened, 0));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task Retention_BySize_DeletesOldestClosedSegments_AndMovesTheLogStart()
    {
        var log = await _shard.Open(new StorageOptions { SegmentBytes = 16_384, RetentionBytes = 40_000, RetentionAge = null });
        await _shard.AppendStream(log, 0, 120);
        var before = log.SegmentCount;

        await _shard.Run(async () => await log.EnforceRetentionAsync());

        Assert.True(log.SegmentCount < before);
        Assert.True(log.SizeBytes >= 40_000);
        var bases = SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory));
        Assert.Equal(bases[0], log.LogStartOffset);
        await Assert.ThrowsAsync<LogOffsetOutOfRangeException>(() => _shard.Run(async () => await log.ReadAsync(0, 100)));
        var firstKept = Enumerable.Range(0, 120).First(i => TestStream.OffsetOf(i) == log.LogStartOffset);
        Assert.Equal(TestStream.Expected(firstKept, 120 - firstKept, log.LogStartOffset), await _shard.ReadFrom(log, log.LogStartOffset));
        await _shard.Close(log);
    }

    [Fact]
    public async Task Retention_ByAge_RollsTheExpiredActiveSegment_SoEverythingOldGoes()
    {
        var now = 1_700_000_000_000 + Day;
        var options = new StorageOptions { SegmentBytes = 16_384, RetentionAge = TimeSpan.FromDays(7), UnixTimeMs = () => now };
        var log = await _shard.Open(options);
        await _shard.AppendStream(log, 0, 80);
        var end = log.HighWatermark;

        now += 8 * Day;
        await _shard.Run(async () => await log.EnforceRetentionAsync());

        Assert.Equal(1, log.SegmentCount);
        Assert.Equal(end, log.LogStartOffset);
        Assert.Equal(end, log.HighWatermark);
        Assert.Equal(0, log.SizeBytes);
        await _shard.AppendStream(log, 80, 1);
        Assert.Equal(TestStream.Expected(80, 1, end), await _shard.ReadFrom(log, end));
        await _shard.Close(log);

        var reopened = await _shard.Open(options);
        Assert.Equal(end, reopened.LogStartOffset);
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task DeleteRecords_MovesTheLogStart_DeletesWholeSegmentsBelow_AndPersists()
    {
        var options = new StorageOptions { SegmentBytes = 16_384, RetentionAge = null };
        var log = await _shard.Open(options);
        await _shard.AppendStream(log, 0, 100);
        var target = TestStream.OffsetOf(51) + 1; // inside batch 51 (offsets 151..152)

        var logStart = await _shard.Run(async () => await log.DeleteRecordsAsync(target));
        var backwards = await _shard.Run(async () => await log.DeleteRecordsAsync(3));

        Assert.Equal(target, logStart);
        Assert.Equal(target, backwards);
        Assert.All(SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory)).Skip(1), b => Assert.True(b > 0));
        Assert.True(SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory))[0] <= target);
        await Assert.ThrowsAsync<LogOffsetOutOfRangeException>(() => _shard.Run(async () => await log.DeleteRecordsAsync(log.HighWatermark + 1)));

        // Reading at the log start returns the batch that holds it, whole.
        Assert.Equal(TestStream.Expected(51, 49, TestStream.OffsetOf(51)), await _shard.ReadFrom(log, target));
        await _shard.Close(log);
        var reopened = await _shard.Open(options);
        Assert.Equal(target, reopened.LogStartOffset);
        await _shard.Close(reopened);
    }
}
