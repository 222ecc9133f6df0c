using FastLog.Records;

namespace FastLog.Storage.Tests;

public sealed class PartitionLogTests : IDisposable
{
    private readonly ShardHarness _shard = new();

    public void Dispose() => _shard.Dispose();

    private Task<AppendResult[]> AppendMany(PartitionLog log, int from, int count) => _shard.Run(async () =>
    {
        // All issued in one loop turn: they share one write and one fdatasync.
        var pending = Enumerable.Range(from, count).Select(i => log.AppendAsync(TestStream.Batch(i))).ToArray();
        var results = new AppendResult[count];
        for (var i = 0; i < count; i++)
        {
            results[i] = await pending[i];
        }

        return results;
    });

    [Fact]
    public async Task Append_AssignsContiguousOffsetsInCallOrder()
    {
        var log = await _shard.Open();

        var results = await AppendMany(log, 0, 50);

        long expected = 0;
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(expected, results[i].BaseOffset);
            expected += 1 + (i % 5);
            Assert.Equal(expected - 1, results[i].LastOffset);
            Assert.Equal(-1, results[i].LogAppendTime);
        }

        Assert.Equal(expected, log.HighWatermark);
        Assert.True(log.IsDirectIo);
        await _shard.Close(log);
    }

    [Fact]
    public async Task Metrics_TimeEveryAppendAndEveryWriteAndSync()
    {
        var metrics = new RecordingMetrics();
        var log = await _shard.Open(new StorageOptions { Metrics = metrics });

        await AppendMany(log, 0, 20);
        await AppendMany(log, 20, 5);

        Assert.Equal(25, metrics.Queued.Count);
        Assert.Equal(25, metrics.Committed.Count);
        // Commit comes after the queue wait, the write and (Durable mode) the fdatasync of the same append.
        Assert.All(metrics.Queued.Zip(metrics.Committed), pair => Assert.True(pair.First < pair.Second));
        Assert.InRange(metrics.Writes.Count, 2, 25);
        Assert.All(metrics.Writes, write => Assert.True(write.Ticks > 0 && write.Bytes > 0 && write.Bytes % 4096 == 0));
        Assert.Equal(metrics.Writes.Count, metrics.Syncs.Count);
        await _shard.Close(log);
    }

    [Fact]
    public async Task Read_ReturnsTheStoredBytes_FromMemoryAndFromTheFile()
    {
        var log = await _shard.Open(new StorageOptions { TailCacheBytes = 20_000 });
        await AppendMany(log, 0, 200);

        var all = await _shard.ReadFrom(log, 0, 7000);

        Assert.Equal(TestStream.Expected(0, 200), all);
        var (fromFile, fromMemory) = await _shard.Run(async () =>
        {
            using var cold = await log.ReadAsync(0, 5000);
            using var hot = await log.ReadAsync(log.HighWatermark - 1, 5000);
            return (cold.File is not null, hot.Chunks.Count > 0 && hot.File is null);
        });
        Assert.True(fromFile);
        Assert.True(fromMemory);
        await _shard.Close(log);
    }

    [Fact]
    public async Task Read_FromTheMiddleOfABatch_StartsAtThatBatch_AndRespectsTheByteLimit()
    {
        var log = await _shard.Open(new StorageOptions { TailCacheBytes = 0 });
        await AppendMany(log, 0, 30);

        var (first, length, highWatermark) = await _shard.Run(async () =>
        {
            using var result = await log.ReadAsync(2, 1500); // batch 1 holds offsets 1..2
            var bytes = result.ToArray();
            return (RecordBatchHeader.Read(bytes), bytes.Length, result.HighWatermark);
        });

        Assert.Equal(1, first.BaseOffset);
        Assert.True(length <= 1500);
        Assert.Equal(TestStream.OffsetOf(30), highWatermark);
        var tiny = await _shard.Run(async () =>
        {
            using var oneBatch = await log.ReadAsync(0, 1, minOneBatch: true);
            using var none = await log.ReadAsync(0, 1, minOneBatch: false);
            return (oneBatch.Length, none.Length);
        });
        Assert.Equal(TestStream.Batch(0).Length, tiny.Item1);
        Assert.Equal(0, tiny.Item2);
        await _shard.Close(log);
    }

    [Fact]
    public async Task Read_OutsideTheLog_ThrowsOutOfRange_AndAtTheEndIsEmpty()
    {
        var log = await _shard.Open();
        await AppendMany(log, 0, 3);

        var atEnd = await _shard.Run(async () =>
        {
            using var result = await log.ReadAsync(log.HighWatermark, 1000);
            return result.Length;
        });
        var error = await Assert.ThrowsAsync<LogOffsetOutOfRangeException>(() => _shard.Run(async () => await log.ReadAsync(100, 1000)));

        Assert.Equal(0, atEnd);
        Assert.Equal(log.HighWatermark, error.HighWatermark);
        await _shard.Close(log);
    }

    [Fact]
    public async Task InvalidBatch_IsRefusedWhole_AndNothingIsStored()
    {
        var log = await _shard.Open();
        await AppendMany(log, 0, 2);
        var bad = TestStream.Batch(9);
        bad[^1] ^= 1;

        var error = await Assert.ThrowsAsync<InvalidRecordBatchException>(() =>
            _shard.Run(async () => await log.AppendAsync(TestStream.Batch(5).Concat(bad).ToArray())));

        Assert.Equal(RecordBatchError.CrcMismatch, error.Error);
        Assert.Equal(1, error.Validation.BatchIndex);
        Assert.Equal(TestStream.Expected(0, 2), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task CleanRestart_ScansNothing_AndContinuesTheLog()
    {
        var log = await _shard.Open();
        await AppendMany(log, 0, 40);
        await _shard.Close(log);

        var reopened = await _shard.Open();
        Assert.Equal(0, reopened.BytesScannedAtOpen);
        await AppendMany(reopened, 40, 10);

        Assert.Equal(TestStream.Expected(0, 50), await _shard.ReadFrom(reopened, 0));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task LogAppendTime_StampsEveryBatch()
    {
        var log = await _shard.Open(new StorageOptions { LogAppendTime = true, UnixTimeMs = () => 1_900_000_000_000 });

        var result = (await AppendMany(log, 0, 2))[1];
        var stored = await _shard.ReadFrom(log, result.BaseOffset);

        Assert.Equal(1_900_000_000_000, result.LogAppendTime);
        var header = RecordBatchHeader.Read(stored);
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(1_900_000_000_000, header.MaxTimestamp);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(stored, out _));
        await _shard.Close(log);
    }

    [Fact]
    public async Task IntervalMode_AcknowledgesAndPersists()
    {
        var log = await _shard.Open(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromMilliseconds(5) });
        await AppendMany(log, 0, 20);
        await _shard.Close(log);

        var reopened = await _shard.Open();

        Assert.Equal(TestStream.Expected(0, 20), await _shard.ReadFrom(reopened, 0));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task ReadBatchByTimestamp_ReturnsTheFirstBatchAtOrAfterIt()
    {
        var log = await _shard.Open(new StorageOptions { IndexIntervalBytes = 1000, TailCacheBytes = 0 });
        await AppendMany(log, 0, 100);

        var found = await _shard.Run(async () =>
        {
            var exact = await log.ReadBatchByTimestampAsync(1_700_000_000_000 + 57, 0);
            var later = await log.ReadBatchByTimestampAsync(1_700_000_000_000 + 57, TestStream.OffsetOf(60));
            var tooLate = await log.ReadBatchByTimestampAsync(1_800_000_000_000, 0);
            var early = await log.ReadBatchByTimestampAsync(0, 0);
            return (exact, later, tooLate, early);
        });

        // Batch i's MaxTimestamp is base + i + (i % 5): batch 54 (base + 58) is the first to reach base + 57.
        var first = Enumerable.Range(0, 100).First(i => RecordBatchHeader.Read(TestStream.Batch(i)).MaxTimestamp >= 1_700_000_000_000 + 57);
        Assert.Equal(54, first);
        Assert.Equal(TestStream.Stored(first, TestStream.OffsetOf(first)), found.exact);
        Assert.Equal(TestStream.Stored(60, TestStream.OffsetOf(60)), found.later);
        Assert.Null(found.tooLate);
        Assert.Equal(TestStream.Stored(0, 0), found.early);
        await _shard.Close(log);
    }

    [Fact]
    public async Task ReadMaxTimestampBatches_FindsTheFirstBatchWithTheLargestTimestamp_AcrossSegmentsAndAfterDeleteRecords()
    {
        // 60 batches of 3 records over two segments; batch i's MaxTimestamp is base + i, except 10
        // (base + 500) and a tie at 20 and 50 (base + 1000) in different segments.
        const long baseTimestamp = 1_700_000_000_000;
        static long MaxOf(int i) => baseTimestamp + i switch { 10 => 500, 20 or 50 => 1000, _ => i };
        var log = await _shard.Open(new StorageOptions { SegmentBytes = 16_384, IndexIntervalBytes = 1000, TailCacheBytes = 0, RetentionAge = null });
        await _shard.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await log.AppendAsync(TestBatches.Create(recordCount: 3, recordsBytes: 300, firstTimestamp: baseTimestamp, maxTimestamp: MaxOf(i), seed: i));
            }

            return 0;
        });
        static List<long> BaseOffsets(List<byte[]> batches) => batches.ConvertAll(b => RecordBatchHeader.Read(b).BaseOffset);

        var (whole, segments) = await _shard.Run(async () => (await log.ReadMaxTimestampBatchesAsync(), log.SegmentCount));
        Assert.True(segments >= 2);
        Assert.Equal([60], BaseOffsets(whole));

        // Delete up to the middle of batch 20: it comes first (only its remaining records can tell
        // whether it still holds the maximum), then the first best batch wholly after it (50).
        var afterDelete = await _shard.Run(async () =>
        {
            await log.DeleteRecordsAsync(61);
            return await log.ReadMaxTimestampBatchesAsync();
        });
        Assert.Equal([60, 150], BaseOffsets(afterDelete));
        await _shard.Close(log);
    }

    [Fact]
    public async Task FileRegion_StaysReadable_AfterRetentionDeletesItsSegment()
    {
        var log = await _shard.Open(new StorageOptions { SegmentBytes = 16_384, TailCacheBytes = 0, RetentionAge = null });
        await AppendMany(log, 0, 60);
        var region = await _shard.Run(async () => await log.ReadAsync(0, 4000));
        Assert.NotNull(region.File);

        var logStart = await _shard.Run(async () => await log.DeleteRecordsAsync(log.HighWatermark - 1));
        Assert.False(File.Exists(SegmentFileNames.Log(_shard.Directory, 0)));

        // Consumed on this (non-shard) thread after the file is gone.
        var bytes = region.ToArray();
        region.Dispose();
        Assert.Equal(TestStream.Expected(0, 60).AsSpan(0, bytes.Length).ToArray(), bytes);
        Assert.Equal(log.HighWatermark - 1, logStart);
        await _shard.Close(log);
    }

    [Fact]
    public async Task Reads_SeeOnlyCommittedBatches_WhileAppendsAreInFlight()
    {
        var log = await _shard.Open();
        await AppendMany(log, 0, 3);

        var (before, during, after, duringLength) = await _shard.Run(async () =>
        {
            var before = log.HighWatermark;
            var pending = log.AppendAsync(TestStream.Batch(3)).AsTask();

            // Queued, not yet written: the read at the old end sees nothing new.
            using var read = await log.ReadAsync(before, 1 << 20);
            var during = log.HighWatermark;
            await pending;
            return (before, during, log.HighWatermark, read.Length);
        });

        Assert.Equal(before, during);
        Assert.Equal(0, duringLength);
        Assert.Equal(before + 4, after);
        Assert.Equal(TestStream.Expected(0, 4), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task DurableMode_AcknowledgesAfterFdatasync_GroupCommittingATurnsAppends()
    {
        var (log, io) = await _shard.OpenFaulty(new StorageOptions());
        var syncsBefore = io.Syncs;

        await AppendMany(log, 0, 50);

        // 50 appends issued in one turn: one write and one fdatasync cover them all (a second
        // flush may pick up appends that arrived while the first was in flight, never 50).
        var syncs = io.Syncs - syncsBefore;
        Assert.InRange(syncs, 1, 5);
        await _shard.Close(log);
    }

    [Fact]
    public async Task DurableMode_DoesNotAcknowledgeBeforeFdatasyncCompletes()
    {
        var (log, io) = await _shard.OpenFaulty(new StorageOptions());
        io.HoldSyncs();

        var append = await _shard.Run(() => ValueTask.FromResult(log.AppendAsync(TestStream.Batch(0)).AsTask()));
        await io.SyncHeld;

        // Written, fdatasync issued but not complete: not acknowledged, not visible.
        Assert.False(append.IsCompleted);
        Assert.Equal(0, log.HighWatermark);
        io.ReleaseSyncs();
        Assert.Equal(0, (await append).BaseOffset);
        Assert.Equal(1, log.HighWatermark);
        await _shard.Close(log);
    }

    [Fact]
    public async Task IntervalMode_AcknowledgesWithoutWaitingForFdatasync_ThenSyncsOnItsInterval()
    {
        var (log, io) = await _shard.OpenFaulty(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromMilliseconds(20) });
        io.HoldSyncs();

        var results = await AppendMany(log, 0, 5);

        Assert.Equal(TestStream.OffsetOf(5), results[4].LastOffset + 1);
        Assert.Equal(TestStream.OffsetOf(5), log.HighWatermark);
        await io.SyncHeld.WaitAsync(TimeSpan.FromSeconds(30)); // the interval fdatasync is issued on its own
        io.ReleaseSyncs();
        await _shard.Close(log);
    }
}
