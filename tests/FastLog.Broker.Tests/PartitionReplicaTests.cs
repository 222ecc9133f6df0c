using FastLog.Broker.Configuration;
using System.Text;
using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Core;
using FastLog.Metadata.Image;
using FastLog.Protocol;
using FastLog.Records;
using FastLog.Storage;

namespace FastLog.Broker.Tests;

/// <summary>
/// The produce checks of a partition on its owner shard, without the network: retries that find
/// their original still being written, and the durability a retry's answer waits for; as a
/// cluster leader, the high watermark over the ISR, what acks=all is answered, ISR proposals and
/// the end offsets of its leader epochs.
/// </summary>
public sealed class PartitionReplicaTests : IDisposable
{
    private const long ProducerId = 11;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fastlog-replica-{Guid.NewGuid():N}");
    private readonly ShardGroup _shards = new(new ShardGroupOptions { ShardCount = 1, PinThreads = false });

    public PartitionReplicaTests() => _shards.Start();

    private static byte[] Batch(int sequence) => RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray(), ProducerId, 0, sequence);

    [Fact]
    public Task RetriesOfABatchInFlight_WaitForIt_AndGetItsOffsets_NothingIsAppendedTwice() => OnReplicaAsync(new StorageOptions(), async replica =>
    {
        Assert.Equal(0, (await replica.AppendAsync(Batch(0), -1, Timeout)).BaseOffset);

        // Both retries are checked in this turn, while the original is only queued for the writer.
        var original = replica.AppendAsync(Batch(1), -1, Timeout).AsTask();
        var retries = new[] { replica.AppendAsync(Batch(1), -1, Timeout).AsTask(), replica.AppendAsync(Batch(1), 1, Timeout).AsTask() };

        var answer = await original;
        Assert.Equal((ErrorCode.None, 1L), (answer.Error, answer.BaseOffset));
        foreach (var retry in retries)
        {
            var outcome = await retry;
            Assert.Equal((ErrorCode.None, 1L, replica.Log.LogStartOffset), (outcome.Error, outcome.BaseOffset, outcome.LogStartOffset));
        }

        Assert.Equal(2, replica.Log.LogEndOffset);
        Assert.Equal(2, (await replica.AppendAsync(Batch(2), -1, Timeout)).BaseOffset);
    });

    [Fact]
    public Task RetryWithAcksAll_OfAnOriginalAcknowledgedWithAcks1_IsAnsweredOnlyOnceItIsDurable() =>
        OnReplicaAsync(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromHours(1) }, async replica =>
        {
            Assert.Equal(ErrorCode.None, (await replica.AppendAsync(Batch(0), 1, Timeout)).Error);
            Assert.Equal(0, replica.Log.DurableEndOffset);

            var retry = await replica.AppendAsync(Batch(0), -1, Timeout);

            Assert.Equal((ErrorCode.None, 0L), (retry.Error, retry.BaseOffset));
            Assert.Equal(1, replica.Log.DurableEndOffset);
            Assert.Equal(1, replica.Log.LogEndOffset);
        });

    [Fact]
    public Task TopicCompression_BatchesReencodedOffTheShard_AndOnesThatNeedNone_AreCheckedAndAppendedInArrivalOrder() => OnReplicaAsync(new StorageOptions(), async replica =>
    {
        replica.Compression = new TopicCompression(CompressionCodec.Gzip, 9);
        const int PerBatch = 500;
        var sent = new List<byte[]>();
        for (var i = 0; i < 4; i++)
        {
            var builder = new RecordBatchBuilder { FirstTimestamp = 1_700_000_000_000, ProducerId = ProducerId, ProducerEpoch = 0, BaseSequence = i * PerBatch };
            var plain = builder.Build(Enumerable.Range(0, PerBatch).Select(r => new KeyValueRecord(Encoding.UTF8.GetBytes($"k{r}"), Encoding.UTF8.GetBytes($"value {i} {r}"))).ToList());

            // Even batches need re-encoding; odd ones are gzip already and would pass their predecessor if they did not wait.
            sent.Add(i % 2 == 0 ? plain : builder.BuildPassthrough(RecordCompression.Compress(CompressionCodec.Gzip, plain.AsSpan(RecordBatchHeader.Size)), PerBatch, CompressionCodec.Gzip));
        }

        var appends = sent.Select(batch => replica.AppendAsync(batch, 1, Timeout).AsTask()).ToList();

        var outcomes = await Task.WhenAll(appends);
        Assert.Equal([(ErrorCode.None, 0L), (ErrorCode.None, 500L), (ErrorCode.None, 1000L), (ErrorCode.None, 1500L)], outcomes.Select(o => (o.Error, o.BaseOffset)));
        using var read = await replica.Log.ReadAsync(0, 1 << 24);
        var stored = read.ToArray();
        for (int at = 0, i = 0; at < stored.Length; at += RecordBatchHeader.Read(stored.AsSpan(at)).TotalSize, i++)
        {
            var header = RecordBatchHeader.Read(stored.AsSpan(at));
            Assert.Equal((CompressionCodec.Gzip, i * PerBatch, PerBatch), (header.CompressionCodec, header.BaseSequence, header.RecordCount));
            Assert.Equal(RecordBatchRecords.Read(sent[i], 1 << 24).Body.ToArray(), RecordBatchRecords.Read(stored.AsSpan(at, header.TotalSize), 1 << 24).Body.ToArray());
        }
    });

    [Fact]
    public Task TopicCompression_ADamagedBatch_IsRefusedAsCorrupt_NotReencodedUnderANewCrc() => OnReplicaAsync(new StorageOptions(), async replica =>
    {
        replica.Compression = new TopicCompression(CompressionCodec.Zstd, null);
        var damaged = Batch(0);
        damaged[^1] ^= 0x01;

        Assert.Equal(ErrorCode.CorruptMessage, (await replica.AppendAsync(damaged, 1, Timeout)).Error);
        Assert.Equal(0, replica.Log.LogEndOffset);
    });

    private static readonly StorageOptions Replicated = new() { HighWatermarkMode = HighWatermarkMode.SetByOwner };

    /// <summary>Broker 1 leads at <paramref name="leaderEpoch"/> with replicas 1, 2, 3.</summary>
    private static PartitionImage Led(int[] isr, int leaderEpoch = 0, int partitionEpoch = 0) =>
        new(0, [1, 2, 3], [.. isr], 1, leaderEpoch, partitionEpoch);

    [Fact]
    public Task HighWatermark_IsTheSmallestLogEndOverTheIsr_AndAcksAllWaitsForIt() => OnReplicaAsync(Replicated, async replica =>
    {
        replica.ApplyAssignment(Led([1, 2, 3]), localBroker: 1, minInSyncReplicas: 2, Environment.TickCount64);
        Assert.Equal(ErrorCode.None, (await replica.AppendAsync(Batch(0), 1, Timeout)).Error);
        Assert.Equal(0, replica.Log.HighWatermark); // no follower has fetched yet

        var acksAll = replica.AppendAsync(Batch(1), -1, Timeout).AsTask();
        await LogEndsAtAsync(replica, 2);
        Assert.False(acksAll.IsCompleted);

        replica.RecordFollowerFetch(2, 2, Environment.TickCount64);
        Assert.Equal(0, replica.Log.HighWatermark); // broker 3 is in the ISR and has not fetched
        replica.RecordFollowerFetch(3, 1, Environment.TickCount64);
        Assert.Equal(1, replica.Log.HighWatermark);
        await Task.Delay(50);
        Assert.False(acksAll.IsCompleted); // its batch is at offset 1, not below the high watermark yet

        // A fetch offset past the leader's end (a diverged follower's) is no progress.
        replica.RecordFollowerFetch(3, 9, Environment.TickCount64);
        Assert.Equal(1, replica.Log.HighWatermark);

        replica.RecordFollowerFetch(3, 2, Environment.TickCount64);
        Assert.Equal(2, replica.Log.HighWatermark);
        Assert.Equal((ErrorCode.None, 1L), ((await acksAll).Error, (await acksAll).BaseOffset));
    });

    [Fact]
    public Task AcksAll_IsAnsweredWithWhatBecameOfTheIsr() => OnReplicaAsync(Replicated, async replica =>
    {
        replica.ApplyAssignment(Led([1, 2]), localBroker: 1, minInSyncReplicas: 2, Environment.TickCount64);

        // Nobody fetches: the request's own timeout.
        Assert.Equal(ErrorCode.RequestTimedOut, (await replica.AppendAsync(Batch(0), -1, TimeSpan.FromMilliseconds(100))).Error);

        // The ISR shrinks under min.insync.replicas while a request waits; the high watermark stays.
        var waiting = replica.AppendAsync(Batch(1), -1, Timeout).AsTask();
        await LogEndsAtAsync(replica, 2);
        replica.ApplyAssignment(Led([1], partitionEpoch: 1), localBroker: 1, minInSyncReplicas: 2, Environment.TickCount64);
        Assert.Equal(ErrorCode.NotEnoughReplicasAfterAppend, (await waiting).Error);
        replica.RecordFollowerFetch(2, 2, Environment.TickCount64);
        Assert.Equal(0, replica.Log.HighWatermark);

        // Leadership moves away while a request waits.
        replica.ApplyAssignment(Led([1, 2], partitionEpoch: 2), localBroker: 1, minInSyncReplicas: 1, Environment.TickCount64);
        var orphaned = replica.AppendAsync(Batch(2), -1, Timeout).AsTask();
        await LogEndsAtAsync(replica, 3);
        replica.ApplyAssignment(new PartitionImage(0, [1, 2, 3], [2, 3], 2, 1, 3), localBroker: 1, minInSyncReplicas: 1, Environment.TickCount64);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, (await orphaned).Error);
        Assert.Equal(-1, replica.LeaderEpoch);
    });

    [Fact]
    public Task A_replica_reassigned_away_and_back_must_fetch_again_and_stopping_answers_the_waiting_acks() => OnReplicaAsync(Replicated, async replica =>
    {
        var start = Environment.TickCount64;
        replica.ApplyAssignment(Led([1, 2, 3]), localBroker: 1, minInSyncReplicas: 1, start);
        await replica.AppendAsync(Batch(0), 1, Timeout);
        replica.RecordFollowerFetch(2, 1, start + 1);
        replica.RecordFollowerFetch(3, 1, start + 1);

        // A reassignment drops 3; another adds it back with an empty log: not in sync before it fetches.
        replica.ApplyAssignment(new PartitionImage(0, [1, 2], [1, 2], 1, 0, 1), localBroker: 1, minInSyncReplicas: 1, start + 2);
        replica.ApplyAssignment(new PartitionImage(0, [1, 2, 3], [1, 2], 1, 0, 2) { AddingReplicas = [3] }, localBroker: 1, minInSyncReplicas: 1, start + 3);
        Assert.Null(replica.ProposedIsr(start + 4, lagMaxMs: 5000));
        replica.RecordFollowerFetch(3, 1, start + 5);
        Assert.Equal([1, 2, 3], replica.ProposedIsr(start + 6, lagMaxMs: 5000)!.Value.ToArray());

        // Reassigned away while an acks=all request waits: it is told to find the new leader.
        var waiting = replica.AppendAsync(Batch(1), -1, Timeout).AsTask();
        await Task.Delay(50);
        replica.StopReplica();
        Assert.Equal(ErrorCode.NotLeaderOrFollower, (await waiting).Error);
        Assert.False(replica.IsLeader);
    });

    [Fact]
    public Task Isr_ShrinksByFollowersThatStopCatchingUp_AndGrowsByOnesThatCaughtUp() => OnReplicaAsync(Replicated, async replica =>
    {
        var start = Environment.TickCount64;
        replica.ApplyAssignment(Led([1, 2, 3]), localBroker: 1, minInSyncReplicas: 1, start);
        Assert.Null(replica.ProposedIsr(start + 1000, lagMaxMs: 5000));

        await replica.AppendAsync(Batch(0), 1, Timeout);
        replica.RecordFollowerFetch(2, 1, start + 6000); // caught up
        replica.RecordFollowerFetch(3, 0, start + 6000); // behind since the start
        Assert.Equal([1, 2], replica.ProposedIsr(start + 6000, lagMaxMs: 5000)!.Value.ToArray());

        // Asked for; not asked again at the same partition epoch.
        replica.IsrChangeRequested([1, 2], start + 6000);
        Assert.Null(replica.ProposedIsr(start + 6001, lagMaxMs: 5000));

        // Committed; then broker 3 catches up to the high watermark and is proposed back.
        replica.ApplyAssignment(Led([1, 2], partitionEpoch: 1), localBroker: 1, minInSyncReplicas: 1, start + 6002);
        Assert.Equal(1, replica.Log.HighWatermark);
        Assert.Null(replica.ProposedIsr(start + 6003, lagMaxMs: 5000));
        replica.RecordFollowerFetch(3, 1, start + 6004);
        Assert.Equal([1, 2, 3], replica.ProposedIsr(start + 6005, lagMaxMs: 5000)!.Value.ToArray());
    });

    [Fact]
    public Task WhileAnIsrExpansionIsPending_TheHighWatermarkWaitsForTheJoiningMemberToo() => OnReplicaAsync(Replicated, async replica =>
    {
        var start = Environment.TickCount64;
        replica.ApplyAssignment(Led([1, 2]), localBroker: 1, minInSyncReplicas: 2, start);
        await replica.AppendAsync(Batch(0), 1, Timeout);
        replica.RecordFollowerFetch(2, 1, start + 1);
        replica.RecordFollowerFetch(3, 1, start + 1); // broker 3 holds everything below the high watermark: it may join
        Assert.Equal(1, replica.Log.HighWatermark);
        var proposed = replica.ProposedIsr(start + 2, lagMaxMs: 5000)!.Value;
        Assert.Equal([1, 2, 3], proposed.ToArray());
        replica.IsrChangeRequested(proposed, start + 2);

        // While the expansion is in flight, a batch broker 3 does not have is not acknowledged, though
        // the committed ISR (1, 2) holds it: once the change commits, broker 3 could be elected without it.
        var acksAll = replica.AppendAsync(Batch(1), -1, Timeout).AsTask();
        await LogEndsAtAsync(replica, 2);
        replica.RecordFollowerFetch(2, 2, start + 3);
        Assert.Equal(1, replica.Log.HighWatermark);
        Assert.False(acksAll.IsCompleted);
        replica.RecordFollowerFetch(3, 2, start + 4);
        Assert.Equal(2, replica.Log.HighWatermark);
        Assert.Equal(ErrorCode.None, (await acksAll).Error);

        // Refused and superseded by a newer image without broker 3: the high watermark no longer waits for it.
        replica.ApplyAssignment(Led([1, 2], partitionEpoch: 1), localBroker: 1, minInSyncReplicas: 2, start + 5);
        await replica.AppendAsync(Batch(2), 1, Timeout);
        replica.RecordFollowerFetch(2, 3, start + 6);
        Assert.Equal(3, replica.Log.HighWatermark);
    });

    [Fact]
    public Task A_new_leaders_epoch_counts_from_its_log_end_at_election_before_its_first_batch() => OnReplicaAsync(Replicated, async replica =>
    {
        replica.ApplyAssignment(Led([1, 2, 3], leaderEpoch: 4), localBroker: 1, minInSyncReplicas: 1, Environment.TickCount64);
        await replica.AppendAsync(Batch(0), 1, Timeout);
        await replica.AppendAsync(Batch(1), 1, Timeout);

        replica.ApplyAssignment(Led([1, 2, 3], leaderEpoch: 7, partitionEpoch: 1), localBroker: 1, minInSyncReplicas: 1, Environment.TickCount64);
        Assert.Equal((7, 2L), replica.EndOffsetForEpoch(7));
        Assert.Equal((4, 2L), replica.EndOffsetForEpoch(4));
        Assert.Equal((4, 2L), replica.EndOffsetForEpoch(5)); // epochs 5 and 6 wrote nothing here
        Assert.Equal((-1, -1L), replica.EndOffsetForEpoch(8));

        await replica.AppendAsync(Batch(2), 1, Timeout);
        Assert.Equal((7, 3L), replica.EndOffsetForEpoch(7));
        Assert.Equal((4, 2L), replica.EndOffsetForEpoch(4));
    });

    [Fact]
    public Task A_new_leaders_epoch_starts_after_the_follower_appends_still_queued_at_its_election() => OnReplicaAsync(Replicated, async replica =>
    {
        replica.ApplyAssignment(new PartitionImage(0, [1, 2, 3], [1, 2, 3], 2, 3, 0), localBroker: 1, minInSyncReplicas: 1, Environment.TickCount64);
        var fromLeader = RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray());
        FastLog.Records.RecordBatchHeader.SetPartitionLeaderEpoch(fromLeader, 3);

        // The fetcher's append is queued, not yet written, when the image making this broker leader arrives.
        var appending = replica.Log.AppendReplicatedAsync(fromLeader).AsTask();
        replica.ApplyAssignment(Led([1, 2, 3], leaderEpoch: 4, partitionEpoch: 1), localBroker: 1, minInSyncReplicas: 1, Environment.TickCount64);

        await appending;
        Assert.Equal((3, 1L), replica.EndOffsetForEpoch(3)); // epoch 3 ends after the queued batch, not at the log end of the election
        Assert.Equal((4, 1L), replica.EndOffsetForEpoch(4));
        await replica.AppendAsync(Batch(0), 1, Timeout);
        Assert.Equal((3, 1L), replica.EndOffsetForEpoch(3));
        Assert.Equal((4, 2L), replica.EndOffsetForEpoch(4));
    });

    /// <summary>Waits (on the shard, at most 10 s) until an append not awaited has reached the log: a fixed delay is too short on a loaded machine.</summary>
    private static async Task LogEndsAtAsync(PartitionReplica replica, long endOffset)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (replica.Log.LogEndOffset < endOffset)
        {
            Assert.True(Environment.TickCount64 < deadline, $"the log did not reach offset {endOffset}");
            await Task.Delay(5);
        }
    }

    [Fact]
    public Task ABatchAfterOneRefusedWithARetriableError_GetsThatError_NotOutOfOrder_SoTheProducerRetriesBothInOrder()
    {
        var refused = new RefusedProducerBatches();
        return OnReplicaAsync(new StorageOptions(), async replica =>
        {
            Assert.Equal(ErrorCode.None, (await replica.AppendAsync(Batch(0), -1, Timeout)).Error);

            // Sequence 1 was refused before the append (the ISR was short); 2, pipelined behind it, arrives once the ISR is back.
            refused.Note(replica.Id, Batch(1), ErrorCode.NotEnoughReplicas);
            Assert.Equal(ErrorCode.NotEnoughReplicas, (await replica.AppendAsync(Batch(2), -1, Timeout)).Error);

            var first = await replica.AppendAsync(Batch(1), -1, Timeout);
            var second = await replica.AppendAsync(Batch(2), -1, Timeout);
            Assert.Equal([(ErrorCode.None, 1L), (ErrorCode.None, 2L)], [(first.Error, first.BaseOffset), (second.Error, second.BaseOffset)]);

            // A gap nothing here refused stays Kafka's OUT_OF_ORDER_SEQUENCE_NUMBER; so does one left by a non-retriable refusal.
            Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await replica.AppendAsync(Batch(4), -1, Timeout)).Error);
            refused.Note(replica.Id, Batch(3), ErrorCode.CorruptMessage);
            Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await replica.AppendAsync(Batch(4), -1, Timeout)).Error);
        }, refused);
    }

    /// <summary>Opens the partition on the shard, runs <paramref name="test"/> there and closes it.</summary>
    private Task OnReplicaAsync(StorageOptions options, Func<PartitionReplica, Task> test, RefusedProducerBatches? refused = null) => _shards.RunAsync(0, async () =>
    {
        var log = await PartitionLog.OpenAsync(_directory, options);
        try
        {
            await test(new PartitionReplica(new TopicPartition("replica", 0), log, new LogDirectory(Path.GetDirectoryName(_directory)!), AckDurability.Written) { RefusedBatches = refused });
        }
        finally
        {
            await log.CloseAsync();
        }
    });

    public void Dispose()
    {
        _shards.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
