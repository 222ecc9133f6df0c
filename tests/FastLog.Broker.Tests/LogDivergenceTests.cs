using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Broker.Replication;
using FastLog.Core;
using FastLog.Metadata.Image;
using FastLog.Records;
using FastLog.Storage;

namespace FastLog.Broker.Tests;

/// <summary>
/// Kafka's truncation scenarios (KIP-101's two, KIP-279's follower with epochs its leader never
/// had) as deterministic exchanges between two real logs: the leader's check of each fetch and the
/// follower's cut (<see cref="LogDivergence"/>, the functions the fetch handler and the replica
/// fetcher call), repeated until the follower's last epoch matches, then the leader's missing
/// batches appended as a fetch would bring them. Each scenario ends with both logs alike: the
/// same end and the same epochs at the same offsets.
/// </summary>
public sealed class LogDivergenceTests : IDisposable
{
    private const int LeaderBroker = 1;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fastlog-divergence-{Guid.NewGuid():N}");
    private readonly ShardGroup _shards = new(new ShardGroupOptions { ShardCount = 1, PinThreads = false });

    public LogDivergenceTests() => _shards.Start();

    [Fact]
    public Task Kip101_Scenario1_AFollowerAheadOfTheNewLeader_CutsWhereTheOldEpochEnded_NotAtItsHighWatermark() =>
        // A led epoch 0 and wrote m1, m2; B had m1 only when A died; B leads epoch 1 and writes m3 at
        // offset 1. A comes back: its m2 goes, B's m3 comes (truncating to a stale high watermark
        // could instead have kept m2 or lost m1).
        RunAsync(
            leader: [(0, 0), (1, 1)], leaderEpoch: 2,
            follower: [(0, 0), (1, 0)],
            expectedCuts: [1]);

    [Fact]
    public Task Kip101_Scenario2_LogsThatDivergedAtTheSameOffset_UnderDifferentEpochs_AreRepaired() =>
        // Both held m1 (epoch 0). A wrote m2 and m3 at epoch 0 and crashed before they were copied; B led
        // epoch 1 and wrote m4, m5 at the same offsets. B leads again at epoch 3: A's epoch-0 tail goes.
        RunAsync(
            leader: [(0, 0), (1, 1), (2, 1)], leaderEpoch: 3,
            follower: [(0, 0), (1, 0), (2, 0)],
            expectedCuts: [1]);

    [Fact]
    public Task Kip279_AFollowerWithEpochsTheLeaderNeverHad_CutsInRounds_UntilItsLastEpochMatches() =>
        // The follower led epochs 2 and 4 briefly, writing what nobody copied; the leader's history
        // is epochs 0, 1 and 3. Asked for epoch 4, the leader names epoch 3 (ending at its log end);
        // the follower has no epoch 3 and cuts to the end of its latest epoch before it (2), asks
        // again for epoch 2, is told epoch 1 ends at 2, has no epoch 1, cuts to where its epoch 0 ends.
        RunAsync(
            leader: [(0, 0), (1, 0), (2, 1), (3, 1), (4, 3), (5, 3)], leaderEpoch: 5,
            follower: [(0, 0), (1, 0), (2, 2), (3, 2), (4, 4)],
            expectedCuts: [4, 2]);

    [Fact]
    public Task AFollowerBehindTheLeaderInTheSameEpoch_DoesNotDiverge_AndFetchesTheRest() =>
        RunAsync(
            leader: [(0, 0), (1, 0), (2, 0), (3, 1)], leaderEpoch: 1,
            follower: [(0, 0), (1, 0)],
            expectedCuts: []);

    [Fact]
    public Task ANewLeadersEpochWithoutBatches_StillTellsAFollowerWhereThePreviousEpochEnded() =>
        // The leader was elected at epoch 6 with its log ending at 2 and has written nothing since:
        // the follower's extra epoch-4 record at offset 2 must go before it copies anything.
        RunAsync(
            leader: [(0, 0), (1, 4)], leaderEpoch: 6,
            follower: [(0, 0), (1, 4), (2, 4)],
            expectedCuts: [2]);

    /// <summary>
    /// Builds the two logs (each batch one record, as (offset, leader epoch)), makes the first the
    /// leader at <paramref name="leaderEpoch"/>, and runs the exchange; the follower must cut at
    /// <paramref name="expectedCuts"/> in order and end up alike.
    /// </summary>
    private Task RunAsync((long Offset, int Epoch)[] leader, int leaderEpoch, (long Offset, int Epoch)[] follower, long[] expectedCuts) => _shards.RunAsync(0, async () =>
    {
        var leaderLog = await PartitionLog.OpenAsync(Path.Combine(_directory, "leader"), new StorageOptions { HighWatermarkMode = HighWatermarkMode.SetByOwner });
        var followerLog = await PartitionLog.OpenAsync(Path.Combine(_directory, "follower"), new StorageOptions { HighWatermarkMode = HighWatermarkMode.SetByOwner });
        try
        {
            await followerLog.AppendReplicatedAsync(Batches(follower));
            var leaderBatches = leader.Select(b => Batch(b.Offset, b.Epoch)).ToList();
            await leaderLog.AppendReplicatedAsync(leaderBatches.SelectMany(b => b).ToArray());
            var replica = new PartitionReplica(new TopicPartition("diverged", 0), leaderLog, new LogDirectory(_directory), AckDurability.Written);
            replica.ApplyAssignment(new PartitionImage(0, [LeaderBroker, 2], [LeaderBroker, 2], LeaderBroker, leaderEpoch, 0), LeaderBroker, minInSyncReplicas: 1, Environment.TickCount64);

            var cuts = new List<long>();
            for (var round = 0; ; round++)
            {
                Assert.True(round < 10, "the follower did not converge in 10 fetches");
                var lastEpoch = followerLog.LeaderEpochs is { Count: > 0 } epochs ? epochs[^1].Epoch : -1;
                if (LogDivergence.Check(replica, lastEpoch, followerLog.LogEndOffset) is { } diverging)
                {
                    var cut = LogDivergence.TruncationOffset(followerLog, diverging.Epoch, diverging.EndOffset);
                    cuts.Add(cut);
                    await followerLog.TruncateToAsync(cut);
                    continue;
                }

                var missing = leaderBatches.Where(b => ReadBaseOffset(b) >= followerLog.LogEndOffset).SelectMany(b => b).ToArray();
                if (missing.Length == 0)
                {
                    break;
                }

                await followerLog.AppendReplicatedAsync(missing);
            }

            Assert.Equal(expectedCuts, cuts);
            Assert.Equal(leaderLog.LogEndOffset, followerLog.LogEndOffset);
            Assert.Equal(leaderLog.LeaderEpochs.Select(e => (e.Epoch, e.StartOffset)), followerLog.LeaderEpochs.Select(e => (e.Epoch, e.StartOffset)));
        }
        finally
        {
            await leaderLog.CloseAsync();
            await followerLog.CloseAsync();
        }
    });

    private static byte[] Batches((long Offset, int Epoch)[] batches) => batches.SelectMany(b => Batch(b.Offset, b.Epoch)).ToArray();

    /// <summary>One record at <paramref name="offset"/>, written at leader epoch <paramref name="epoch"/> (both outside the CRC).</summary>
    private static byte[] Batch(long offset, int epoch)
    {
        var batch = RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray());
        RecordBatchHeader.SetBaseOffset(batch, offset);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, epoch);
        return batch;
    }

    private static long ReadBaseOffset(byte[] batch) => RecordBatchHeader.Read(batch).BaseOffset;

    public void Dispose()
    {
        _shards.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
