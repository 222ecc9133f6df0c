using FastLog.Records;
using FastLog.Storage.Epochs;
using FastLog.Storage.Producers;

namespace FastLog.Storage.Tests;

/// <summary>
/// A follower's log: the leader's batches appended verbatim (offsets, epochs, gaps), truncation where
/// the logs diverged (in the active segment, across segments, below the log start), and what follows
/// the log through both: leader epochs, producer state, the high watermark, recovery after a reopen
/// with and without a clean close.
/// </summary>
public sealed class ReplicationTests : IDisposable
{
    private readonly ShardHarness _shard = new();

    private readonly StorageOptions _options = ShardHarness.AbandonableOptions with { HighWatermarkMode = HighWatermarkMode.SetByOwner };

    public void Dispose() => _shard.Dispose();

    /// <summary>A leader's batch: <paramref name="recordCount"/> records from <paramref name="baseOffset"/>, stamped with <paramref name="epoch"/>.</summary>
    private static byte[] LeaderBatch(long baseOffset, int epoch, int recordCount = 3, long producerId = -1, int baseSequence = -1, int recordsBytes = 200)
    {
        var batch = TestBatches.Create(baseOffset, recordCount, recordsBytes, producerId: producerId, producerEpoch: (short)(producerId >= 0 ? 0 : -1),
            baseSequence: baseSequence, seed: (int)baseOffset);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, epoch);
        return batch;
    }

    /// <summary><paramref name="count"/> batches of 3 records each from <paramref name="baseOffset"/>, all of <paramref name="epoch"/>.</summary>
    private static byte[] LeaderRun(long baseOffset, int count, int epoch) =>
        Enumerable.Range(0, count).SelectMany(i => LeaderBatch(baseOffset + (3 * i), epoch)).ToArray();

    private Task<AppendResult> Replicate(PartitionLog log, byte[] batches) => _shard.Run(() => log.AppendReplicatedAsync(batches));

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private Task<T> On<T>(Func<T> read) => _shard.Run(() => ValueTask.FromResult(read()));

    /// <summary>Everything the log holds, read as a follower of it would (the high watermark moved to the log end first).</summary>
    private async Task<byte[]> ReadAll(PartitionLog log)
    {
        await On(() => log.AdvanceHighWatermark(log.LogEndOffset));
        return await _shard.ReadFrom(log, await On(() => log.LogStartOffset));
    }

    private Task<EpochEntry[]> Epochs(PartitionLog log) => On(() => log.LeaderEpochs.ToArray());

    /// <summary>Opens the directory again (the instance before closed or abandoned, as the test left it), checks what recovery found, and closes it.</summary>
    private async Task AssertReopensAs(StorageOptions options, long logEnd, byte[] bytes, params EpochEntry[] epochs)
    {
        var reopened = await _shard.Open(options);
        Assert.Equal(logEnd, await On(() => reopened.LogEndOffset));
        Assert.Equal(bytes, await ReadAll(reopened));
        Assert.Equal(epochs, await Epochs(reopened));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task ReplicatedAppend_KeepsTheLeadersOffsetsEpochsAndBytes_AndRecordsEveryEpochOfOneAppend()
    {
        var log = await _shard.Open(_options);
        var first = Bytes(LeaderBatch(0, epoch: 1), LeaderBatch(3, epoch: 1, recordCount: 2), LeaderBatch(5, epoch: 3, recordCount: 4));
        var second = LeaderBatch(9, epoch: 4, recordCount: 1);

        var result = await Replicate(log, first);
        await Replicate(log, second);

        Assert.Equal((0L, 8L), (result.BaseOffset, result.LastOffset));
        Assert.Equal(10, await On(() => log.LogEndOffset));
        Assert.Equal([new EpochEntry(1, 0), new EpochEntry(3, 5), new EpochEntry(4, 9)], await Epochs(log));
        Assert.Equal(Bytes(first, second), await ReadAll(log));

        await _shard.Close(log);
        await AssertReopensAs(_options, 10, Bytes(first, second), new EpochEntry(1, 0), new EpochEntry(3, 5), new EpochEntry(4, 9));
    }

    [Fact]
    public async Task ReplicatedAppend_BelowTheLogEnd_OrOutOfOrder_IsRefused_AndStoresNothing()
    {
        var log = await _shard.Open(_options);
        await Replicate(log, LeaderRun(0, 2, epoch: 1));

        var overlap = await Assert.ThrowsAsync<UnexpectedAppendOffsetException>(() => Replicate(log, LeaderBatch(3, epoch: 1)));
        Assert.Equal((3L, 6L), (overlap.BaseOffset, overlap.MinimumOffset));
        await Assert.ThrowsAsync<UnexpectedAppendOffsetException>(() => Replicate(log, Bytes(LeaderBatch(9, epoch: 1), LeaderBatch(6, epoch: 1))));
        var corrupt = LeaderBatch(6, epoch: 1);
        corrupt[^1] ^= 0xFF;
        await Assert.ThrowsAsync<InvalidRecordBatchException>(() => Replicate(log, corrupt));
        Assert.Equal(6, await On(() => log.LogEndOffset));

        Assert.Equal(6, (await Replicate(log, LeaderBatch(6, epoch: 2))).BaseOffset);
        Assert.Equal(Bytes(LeaderRun(0, 2, epoch: 1), LeaderBatch(6, epoch: 2)), await ReadAll(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task ACompactedLeadersGaps_AreKept_ReadAcross_AndSurviveAnUncleanReopen()
    {
        var log = await _shard.Open(_options);
        var batches = Bytes(LeaderBatch(0, epoch: 1), LeaderBatch(10, epoch: 1), LeaderBatch(20, epoch: 2, recordCount: 2));

        var result = await Replicate(log, batches);

        Assert.Equal((0L, 21L), (result.BaseOffset, result.LastOffset));
        Assert.Equal(22, await On(() => log.LogEndOffset));
        await On(() => log.AdvanceHighWatermark(22));
        Assert.Equal(LeaderBatch(10, epoch: 1), await _shard.Run(async () =>
        {
            using var read = await log.ReadAsync(5, 1);
            return read.ToArray();
        }));

        // The next fetch may start past a gap too; unclean reopen: recovery accepts the gaps.
        await Replicate(log, LeaderBatch(30, epoch: 2));
        await AssertReopensAs(_options, 33, Bytes(batches, LeaderBatch(30, epoch: 2)), new EpochEntry(1, 0), new EpochEntry(2, 20));
    }

    [Fact]
    public async Task ProducerState_FollowsReplicatedAppends_AndTruncation()
    {
        var log = await _shard.Open(_options);
        await Replicate(log, Bytes(LeaderBatch(0, epoch: 1, producerId: 7, baseSequence: 0), LeaderBatch(3, epoch: 1, producerId: 7, baseSequence: 3)));

        // The leader's duplicate check, answered by the follower's table: the second batch again is a duplicate at its offsets.
        var (verdict, offsets) = await On(() => (log.Producers.Check(7, 0, 3, 3, out var entry), (entry!.BaseOffset, entry.LastOffset)));
        Assert.Equal(ProducerBatchCheck.Duplicate, verdict);
        Assert.Equal((3L, 5L), offsets);

        // Truncated away, that batch is no longer in the log: its retry is accepted as new.
        await _shard.Run(async () => await log.TruncateToAsync(3));
        Assert.Equal(ProducerBatchCheck.Accept, await On(() => log.Producers.Check(7, 0, 3, 3, out _)));
        await _shard.Close(log);
    }

    [Fact]
    public async Task TruncationInTheActiveSegment_AppendsContinueAtTheNewEnd_AndBothReopensAgree()
    {
        var log = await _shard.Open(_options);
        await Replicate(log, LeaderRun(0, 5, epoch: 1));
        await Replicate(log, LeaderRun(15, 5, epoch: 2));
        await On(() => log.AdvanceHighWatermark(30));

        // 16 falls inside the batch [15, 17]: that batch goes whole and the log ends at 15.
        await _shard.Run(async () => await log.TruncateToAsync(16));

        Assert.Equal(15, await On(() => log.LogEndOffset));
        Assert.Equal(15, await On(() => log.HighWatermark));
        Assert.Equal([new EpochEntry(1, 0)], await Epochs(log));
        var newLeader = LeaderRun(15, 4, epoch: 3);
        Assert.Equal(15, (await Replicate(log, newLeader)).BaseOffset);
        var expected = Bytes(LeaderRun(0, 5, epoch: 1), newLeader);
        Assert.Equal(expected, await ReadAll(log));

        // Unclean (the instance is abandoned), then after the clean close of that reopen.
        await AssertReopensAs(_options, 27, expected, new EpochEntry(1, 0), new EpochEntry(3, 15));
        await AssertReopensAs(_options, 27, expected, new EpochEntry(1, 0), new EpochEntry(3, 15));
    }

    [Fact]
    public async Task AKillAfterTheCut_BeforeTheCheckpoint_ReopensTruncated_ThoughTheOldCheckpointNamedTheCutBytes()
    {
        var (log, _) = await _shard.OpenFaulty(_options);
        await Replicate(log, LeaderRun(0, 10, epoch: 1));
        await _shard.Close(log);

        // Reopened, the checkpoint names the whole segment (30 offsets) as verified.
        var (follower, io) = await _shard.OpenFaulty(_options);
        io.HoldSyncs();
        var truncation = _shard.Run(async () => await follower.TruncateToAsync(15));
        await io.SyncHeld; // the directory fsync before the cut
        io.ReleaseSyncs();
        io.HoldSyncs();
        await io.SyncHeld; // the cut is made, its fdatasync and the new checkpoint not: the process "dies" here

        await AssertReopensAs(_options, 15, LeaderRun(0, 5, epoch: 1), new EpochEntry(1, 0));

        io.ReleaseSyncs();
        await truncation;
    }

    [Fact]
    public async Task TruncationAcrossSegments_DeletesTheLaterOnes_AndTheCutOneBecomesActive()
    {
        var options = _options with { SegmentBytes = 1024 };
        var log = await _shard.Open(options);
        for (var i = 0; i < 20; i++)
        {
            await Replicate(log, LeaderBatch(3 * i, epoch: 1 + (i / 5)));
        }

        var segmentsBefore = await On(() => log.SegmentCount);
        Assert.True(segmentsBefore >= 5, $"{segmentsBefore} segments");

        await _shard.Run(async () => await log.TruncateToAsync(21));

        Assert.Equal(21, await On(() => log.LogEndOffset));
        Assert.True(await On(() => log.SegmentCount) < segmentsBefore);
        Assert.Equal(await On(() => log.SegmentCount), System.IO.Directory.GetFiles(_shard.Directory, "*.log").Length);
        Assert.Equal([new EpochEntry(1, 0), new EpochEntry(2, 15)], await Epochs(log));
        await Replicate(log, LeaderRun(21, 6, epoch: 5));
        var expected = Bytes([.. Enumerable.Range(0, 7).SelectMany(i => LeaderBatch(3 * i, epoch: 1 + (i / 5)))], LeaderRun(21, 6, epoch: 5));
        Assert.Equal(expected, await ReadAll(log));

        await AssertReopensAs(options, 39, expected, new EpochEntry(1, 0), new EpochEntry(2, 15), new EpochEntry(5, 21));
    }

    [Fact]
    public async Task TruncateFullyAndStartAt_RestartsTheLogThere_AboveOrBelowTheOldOne()
    {
        var log = await _shard.Open(_options);
        await Replicate(log, LeaderRun(0, 10, epoch: 1));

        await _shard.Run(async () => await log.TruncateFullyAndStartAtAsync(100));

        Assert.Equal((100L, 100L, 100L, 1), await On(() => (log.LogStartOffset, log.LogEndOffset, log.HighWatermark, log.SegmentCount)));
        Assert.Empty(await Epochs(log));
        await Replicate(log, LeaderBatch(100, epoch: 4));
        var reopened = await _shard.Open(_options);
        Assert.Equal((100L, 103L), await On(() => (reopened.LogStartOffset, reopened.LogEndOffset)));
        Assert.Equal(LeaderBatch(100, epoch: 4), await ReadAll(reopened));

        // Truncating below the LogStartOffset starts over there too.
        await _shard.Run(async () => await reopened.TruncateToAsync(40));
        Assert.Equal((40L, 40L), await On(() => (reopened.LogStartOffset, reopened.LogEndOffset)));
        await _shard.Close(reopened);
        reopened = await _shard.Open(_options);
        Assert.Equal((40L, 40L), await On(() => (reopened.LogStartOffset, reopened.LogEndOffset)));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task TheHighWatermark_FollowsTheLeaderForwardOnly_AndOnlyTruncationLowersIt()
    {
        var log = await _shard.Open(_options);
        await Replicate(log, LeaderRun(0, 10, epoch: 1));

        Assert.Equal(12, await On(() => log.AdvanceHighWatermark(12)));
        Assert.Equal(12, await On(() => log.AdvanceHighWatermark(6)));
        Assert.Equal(30, await On(() => log.AdvanceHighWatermark(45)));

        await _shard.Run(async () => await log.TruncateToAsync(9));

        Assert.Equal((9L, 9L), await On(() => (log.HighWatermark, log.DurableEndOffset)));
        await _shard.Close(log);
        log = await _shard.Open(_options);
        Assert.Equal(9, await On(() => log.HighWatermark));
        await _shard.Close(log);
    }
}
