using FastLog.Storage.Recovery;

namespace FastLog.Storage.Tests;

/// <summary>
/// The three ends of a log: LogEndOffset (committed), DurableEndOffset (fdatasync'ed) and the
/// HighWatermark (readable by consumers), which follows the log end on a single copy and is set
/// by the owner under replication.
/// </summary>
public sealed class LogOffsetsTests : IDisposable
{
    private readonly ShardHarness _shard = new();

    public void Dispose() => _shard.Dispose();

    private Task<(long LogEnd, long DurableEnd, long HighWatermark)> Ends(PartitionLog log) =>
        _shard.Run(() => ValueTask.FromResult((log.LogEndOffset, log.DurableEndOffset, log.HighWatermark)));

    private static long End(int batches) => TestStream.OffsetOf(batches);

    [Fact]
    public async Task DurableMode_AllThreeEndsMoveTogether()
    {
        var log = await _shard.Open();
        await _shard.AppendStream(log, 0, 10);

        Assert.Equal((End(10), End(10), End(10)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task IntervalMode_DurableEndCatchesUpAtFlush_WhileConsumersReadUpToTheLogEnd()
    {
        var log = await _shard.Open(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromHours(1) });
        await _shard.AppendStream(log, 0, 10);

        Assert.Equal((End(10), 0, End(10)), await Ends(log));
        Assert.Equal(TestStream.Expected(0, 10), await _shard.ReadFrom(log, 0));

        await _shard.Run(async () => await log.FlushAsync());
        Assert.Equal((End(10), End(10), End(10)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task IntervalMode_TheIntervalFdatasyncMovesTheDurableEnd()
    {
        var log = await _shard.Open(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromMilliseconds(20) });
        await _shard.AppendStream(log, 0, 10);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Ends(log)).DurableEnd < End(10) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal((End(10), End(10), End(10)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task Restart_CountsTheRecoveredLogAsDurable()
    {
        var log = await _shard.Open(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromHours(1), CheckpointInterval = TimeSpan.FromHours(1) });
        await _shard.AppendStream(log, 0, 10);

        // Abandoned (a crash): the reopened log verified and synced what it found.
        log = await _shard.Open();

        Assert.Equal((End(10), End(10), End(10)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task SetByOwner_HighWatermarkMovesOnlyForward_UpToTheLogEnd_AndSurvivesARestart()
    {
        var options = new StorageOptions { HighWatermarkMode = HighWatermarkMode.SetByOwner };
        var log = await _shard.Open(options);
        await _shard.AppendStream(log, 0, 10);
        Assert.Equal((End(10), End(10), 0), await Ends(log));

        var moves = await _shard.Run(() => ValueTask.FromResult(new[]
        {
            log.AdvanceHighWatermark(End(4)),
            log.AdvanceHighWatermark(End(2)),
            log.AdvanceHighWatermark(End(20)),
        }));

        Assert.Equal([End(4), End(4), End(10)], moves);
        await _shard.AppendStream(log, 10, 2);
        Assert.Equal((End(12), End(12), End(10)), await Ends(log));
        await _shard.Close(log);

        log = await _shard.Open(options);
        Assert.Equal((End(12), End(12), End(10)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task SetByOwner_TheCheckpointCarriesTheHighWatermark_ThroughAnUncleanRestart()
    {
        var options = new StorageOptions { HighWatermarkMode = HighWatermarkMode.SetByOwner, CheckpointInterval = TimeSpan.FromMilliseconds(20) };
        var abandoned = await _shard.Open(options);
        await _shard.AppendStream(abandoned, 0, 10);
        await _shard.Run(() => ValueTask.FromResult(abandoned.AdvanceHighWatermark(End(6))));

        // The periodic checkpoint records it without any append.
        var checkpointPath = Path.Combine(_shard.Directory, SegmentFileNames.CheckpointFileName);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (PartitionCheckpoint.ReadLatest(File.ReadAllBytes(checkpointPath))?.HighWatermark != End(6) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // Then a crash: this instance must not checkpoint again while the next one is open.
        await _shard.Run(() =>
        {
            abandoned.UpdateOptions(options with { CheckpointInterval = TimeSpan.FromHours(1) });
            return ValueTask.CompletedTask;
        });

        var log = await _shard.Open(options);

        Assert.Equal((End(10), End(10), End(6)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task FollowsLogEnd_AdvanceHighWatermarkChangesNothing()
    {
        var log = await _shard.Open();
        await _shard.AppendStream(log, 0, 10);

        Assert.Equal(End(10), await _shard.Run(() => ValueTask.FromResult(log.AdvanceHighWatermark(End(3)))));
        Assert.Equal((End(10), End(10), End(10)), await Ends(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task SetByOwner_RetentionKeepsWhatIsAboveTheHighWatermark()
    {
        var log = await _shard.Open(new StorageOptions { HighWatermarkMode = HighWatermarkMode.SetByOwner, SegmentBytes = 8192, RetentionBytes = 0, RetentionAge = null });
        await _shard.AppendStream(log, 0, 40);
        var segments = log.SegmentCount;
        Assert.True(segments > 2);

        await _shard.Run(async () => await log.EnforceRetentionAsync());
        Assert.Equal((segments, 0L), (log.SegmentCount, log.LogStartOffset));

        var (count, logStart) = await _shard.Run(async () =>
        {
            log.AdvanceHighWatermark(log.LogEndOffset);
            await log.EnforceRetentionAsync();
            return (log.SegmentCount, log.LogStartOffset);
        });
        Assert.Equal(1, count);
        Assert.True(logStart > 0);
        await _shard.Close(log);
    }
}
