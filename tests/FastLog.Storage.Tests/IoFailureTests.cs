using FastLog.Core;

namespace FastLog.Storage.Tests;

/// <summary>
/// Disk full and write errors: a full disk fails the append clearly (one warning, one line when it is
/// over) and appends resume by themselves; preallocation never refuses data that fits; an I/O error
/// faults the partition; stored data is untouched.
/// </summary>
public sealed class IoFailureTests : IDisposable
{
    private readonly ShardHarness _shard = new();

    public void Dispose() => _shard.Dispose();

    private Task<(PartitionLog Log, FaultyStorageIo Io)> Open(StorageOptions options) => _shard.OpenFaulty(options);

    private Task<AppendResult> Append(PartitionLog log, int i) => _shard.Run(() => log.AppendAsync(TestStream.Batch(i)));

    [Fact]
    public async Task DiskFull_FailsTheAppendWithENOSPC_ThenAppendsResumeWithoutAGap()
    {
        // Tiny preallocation steps: nearly every flush needs fallocate.
        var (log, io) = await Open(new StorageOptions { PreallocateBytes = 4096, TailCacheBytes = 0 });
        var expected = new List<byte>();
        for (var i = 0; i < 5; i++)
        {
            var ok = await Append(log, i);
            expected.AddRange(TestStream.Stored(i, ok.BaseOffset));
        }

        io.DiskFull = true;
        NativeIOException? error = null;
        for (var i = 5; error is null; i++)
        {
            // Appends that still fit the space allocated before the disk filled up succeed.
            try
            {
                var ok = await Append(log, i);
                expected.AddRange(TestStream.Stored(i, ok.BaseOffset));
            }
            catch (NativeIOException e)
            {
                error = e;
            }
        }

        Assert.Equal(28, error.Errno);
        Assert.Equal("fallocate", error.Operation);
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        Assert.Equal(expected.ToArray(), await _shard.ReadFrom(log, 0));
        var stuck = log.HighWatermark;

        io.DiskFull = false;
        var resumed = await Append(log, 999);
        expected.AddRange(TestStream.Stored(999, resumed.BaseOffset));

        Assert.Equal(stuck, resumed.BaseOffset);
        Assert.Equal(expected.ToArray(), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task WriteError_FaultsThePartition_AndTheLogStaysIntactWhenReopened()
    {
        var (log, io) = await Open(new StorageOptions { TailCacheBytes = 0 });
        var first = await Append(log, 0);

        io.FailWrites = true;
        var error = await Assert.ThrowsAsync<PartitionFaultedException>(() => Append(log, 1));
        io.FailWrites = false;
        await Assert.ThrowsAsync<PartitionFaultedException>(() => Append(log, 2));
        await _shard.Close(log);

        Assert.Equal(5, Assert.IsType<IoRingException>(error.InnerException).Errno);
        var (reopened, _) = await Open(new StorageOptions { TailCacheBytes = 0 });
        var second = await Append(reopened, 3);
        Assert.Equal(first.LastOffset + 1, second.BaseOffset);
        var expected = TestStream.Stored(0, 0).Concat(TestStream.Stored(3, second.BaseOffset)).ToArray();
        Assert.Equal(expected, await _shard.ReadFrom(reopened, 0));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task AReservationThatDoesNotFit_FallsBackToWhatTheWriteNeeds_AndGivesBackWhatItGot()
    {
        var (log, io) = await Open(new StorageOptions { TailCacheBytes = 0 });
        io.SpaceLeft = 64 << 10; // far less than the 1 MiB the first write reserves ahead

        var stored = new List<byte>();
        for (var i = 0; i < 3; i++)
        {
            var ok = await Append(log, i);
            stored.AddRange(TestStream.Stored(i, ok.BaseOffset));
        }

        // Only the blocks the batches need: the partial reservation was truncated away.
        Assert.Equal((stored.Count + 4095) / 4096 * 4096, new FileInfo(SegmentFileNames.Log(_shard.Directory, 0)).Length);
        Assert.Equal(stored.ToArray(), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task DiskFull_OneWarning_ThenOneLineWhenAppendsResume()
    {
        var (log, io) = await Open(new StorageOptions { PreallocateBytes = 4096, TailCacheBytes = 0 });
        await Append(log, 0);
        io.DiskFull = true;
        var failures = 0;
        for (var i = 1; failures < 10; i++)
        {
            // Appends that still fit the space reserved before the disk filled up succeed.
            try
            {
                await Append(log, i);
            }
            catch (NativeIOException e) when (e.Errno == 28)
            {
                failures++;
            }
        }

        io.DiskFull = false;
        await Append(log, 1000);
        await _shard.Close(log);

        lock (_shard.Messages)
        {
            Assert.Single(_shard.Messages, m => m.Contains("disk full:", StringComparison.Ordinal));
            Assert.Single(_shard.Messages, m => m.Contains("appends resumed", StringComparison.Ordinal) && m.Contains("10 writes failed", StringComparison.Ordinal));
            Assert.DoesNotContain(_shard.Messages, m => m.Contains("faulted", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DiskFullThatFlaps_IsAnnouncedAtMostOnceAMinute()
    {
        var now = 1_000_000L;
        var (log, io) = await Open(new StorageOptions { PreallocateBytes = 4096, TailCacheBytes = 0, UnixTimeMs = () => Volatile.Read(ref now) });
        var next = 0;
        async Task FullThenFreed(long at)
        {
            Volatile.Write(ref now, at);
            io.DiskFull = true;
            var failed = false;
            while (!failed)
            {
                try
                {
                    await Append(log, next++);
                }
                catch (NativeIOException e) when (e.Errno == 28)
                {
                    failed = true;
                }
            }

            io.DiskFull = false;
            await Append(log, next++);
        }

        await FullThenFreed(1_000_000);  // announced, and its end
        await FullThenFreed(1_010_000);  // 10 s later: counted, not announced
        await FullThenFreed(1_075_000);  // a minute after the warning: announced again
        await _shard.Close(log);

        lock (_shard.Messages)
        {
            Assert.Equal(2, _shard.Messages.Count(m => m.Contains(": disk full:", StringComparison.Ordinal)));
            Assert.Equal(2, _shard.Messages.Count(m => m.Contains("appends resumed", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task SpaceShortage_MakesAnIdlePartitionGiveBackItsReservation()
    {
        var shortage = new SpaceShortage();
        var (log, _) = await Open(new StorageOptions { TailCacheBytes = 0, SpaceShortage = shortage, CheckpointInterval = TimeSpan.FromMilliseconds(50) });
        var ok = await Append(log, 0);
        var path = SegmentFileNames.Log(_shard.Directory, 0);
        Assert.True(new FileInfo(path).Length >= 1 << 20, "the first write reserves 1 MiB ahead");

        shortage.Signal();
        var blocks = (TestStream.Stored(0, 0).Length + 4095) / 4096 * 4096;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (new FileInfo(path).Length > blocks && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(blocks, new FileInfo(path).Length);
        var next = await Append(log, 1);
        Assert.Equal(ok.LastOffset + 1, next.BaseOffset);
        Assert.Equal(TestStream.Stored(0, 0).Concat(TestStream.Stored(1, next.BaseOffset)).ToArray(), await _shard.ReadFrom(log, 0));

        // A MiB later (no new shortage) the writer reserves ahead again.
        var written = 0L;
        for (var i = 0; written < 5L << 19; i++)
        {
            var batch = TestBatches.Create(recordCount: 1, recordsBytes: 60_000, firstTimestamp: 1_700_000_000_000, seed: i);
            await _shard.Run(() => log.AppendAsync(batch));
            written += batch.Length;
        }

        Assert.True(new FileInfo(path).Length >= written + (1 << 20), "the reservation ahead is back");
        await _shard.Close(log);
    }

    [Fact]
    public async Task DiskFullAtRoll_KeepsTheOldSegmentActive_AndTheRollHappensLater()
    {
        var (log, io) = await Open(new StorageOptions { SegmentBytes = 8192, TailCacheBytes = 0 });
        long next = 0;
        for (var i = 0; log.SegmentCount == 1; i++)
        {
            next = (await Append(log, i)).LastOffset + 1;
        }

        // Disk full: appends go on while the preallocated space lasts; the roll that follows fails.
        var segments = log.SegmentCount;
        io.DiskFull = true;
        var failures = 0;
        for (var i = 100; failures == 0; i++)
        {
            try
            {
                next = (await Append(log, i)).LastOffset + 1;
            }
            catch (NativeIOException e) when (e.Errno == 28)
            {
                failures++;
            }
        }

        Assert.Equal(segments, log.SegmentCount);
        Assert.Equal(next, log.HighWatermark);
        io.DiskFull = false;
        Assert.Equal(next, (await Append(log, 500)).BaseOffset);
        Assert.Equal(segments + 1, log.SegmentCount);
        await _shard.Close(log);
    }

    [Fact]
    public async Task FailedFdatasync_NeverAcknowledges_AndFaultsThePartitionUntilReopened()
    {
        var (log, io) = await Open(new StorageOptions());
        var first = await Append(log, 0);

        io.FailSyncs = true;
        var failed = await Assert.ThrowsAsync<PartitionFaultedException>(() => Append(log, 1));
        io.FailSyncs = false;
        await Assert.ThrowsAsync<PartitionFaultedException>(() => Append(log, 2));

        Assert.IsType<IoRingException>(failed.InnerException);
        Assert.Equal(first.LastOffset + 1, log.HighWatermark);
        await _shard.Close(log);
        var (reopened, _) = await Open(new StorageOptions());
        var next = await _shard.Run(() => reopened.AppendAsync(TestStream.Batch(3)));
        Assert.True(next.BaseOffset >= first.LastOffset + 1);
        await _shard.Close(reopened);
    }
}
