namespace FastLog.Storage.Tests;

/// <summary>
/// Reads bounded by an upper offset: never a batch starting at or after it, from the tail cache
/// and from the file alike; consumers read to the high watermark, followers to the log end.
/// </summary>
public sealed class BoundedReadTests : IDisposable
{
    private const int Batches = 30;
    private readonly ShardHarness _shard = new();

    public void Dispose() => _shard.Dispose();

    /// <summary>Everything a read from <paramref name="offset"/> bounded by <paramref name="maxOffset"/> returns in one go.</summary>
    private Task<byte[]> Read(PartitionLog log, long offset, long maxOffset) => _shard.Run(async () =>
    {
        using var result = await log.ReadAsync(offset, 1 << 20, maxOffset);
        return result.ToArray();
    });

    private async Task<PartitionLog> OpenWithBatches(bool fromFile, HighWatermarkMode mode = HighWatermarkMode.FollowsLogEnd)
    {
        // Index entries every ~1000 bytes, so bounds inside the segment are found from the index.
        var log = await _shard.Open(new StorageOptions { TailCacheBytes = fromFile ? 0 : 1 << 20, IndexIntervalBytes = 1000, HighWatermarkMode = mode });
        await _shard.AppendStream(log, 0, Batches);
        return log;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_StopsBeforeTheFirstBatchAtOrAfterMaxOffset(bool fromFile)
    {
        var log = await OpenWithBatches(fromFile);
        var batch7 = TestStream.OffsetOf(7);

        Assert.Equal(TestStream.Expected(0, 7), await Read(log, 0, batch7));
        Assert.Equal(TestStream.Expected(3, 4), await Read(log, TestStream.OffsetOf(3), batch7));

        // Batch 7 starts below a bound inside it (it has more than one record): it is returned whole.
        Assert.Equal(TestStream.Expected(0, 8), await Read(log, 0, batch7 + 1));

        // A bound past the log end is the log end.
        Assert.Equal(TestStream.Expected(20, Batches - 20), await Read(log, TestStream.OffsetOf(20), long.MaxValue));
        Assert.Equal(await _shard.ReadFrom(log, 0), await Read(log, 0, long.MaxValue));
        await _shard.Close(log);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_AtOrPastMaxOffset_IsEmpty_AndPastTheLogEndIsOutOfRange(bool fromFile)
    {
        var log = await OpenWithBatches(fromFile);
        var batch7 = TestStream.OffsetOf(7);

        Assert.Empty(await Read(log, batch7, batch7));
        Assert.Empty(await Read(log, batch7 + 5, batch7));
        Assert.Empty(await Read(log, TestStream.OffsetOf(Batches), long.MaxValue));
        await Assert.ThrowsAsync<LogOffsetOutOfRangeException>(() => Read(log, TestStream.OffsetOf(Batches) + 1, long.MaxValue));
        await _shard.Close(log);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Consumers_ReadToTheHighWatermark_FollowersToTheLogEnd(bool fromFile)
    {
        var log = await OpenWithBatches(fromFile, HighWatermarkMode.SetByOwner);
        var highWatermark = TestStream.OffsetOf(12);
        await _shard.Run(() => ValueTask.FromResult(log.AdvanceHighWatermark(highWatermark)));

        // What the default read (a consumer's) sees ends at the high watermark ...
        Assert.Equal(TestStream.Expected(0, 12), await _shard.ReadFrom(log, 0));
        var beyond = await _shard.Run(async () =>
        {
            using var result = await log.ReadAsync(highWatermark + 2, 1 << 20);
            return result.Length;
        });
        Assert.Equal(0, beyond);

        // ... while a follower's read, bounded by the log end, sees everything.
        Assert.Equal(TestStream.Expected(12, Batches - 12), await Read(log, highWatermark, log.LogEndOffset));
        await _shard.Close(log);
    }
}
