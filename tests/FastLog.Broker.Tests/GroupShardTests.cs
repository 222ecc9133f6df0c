using FastLog.Broker.Groups;
using FastLog.Broker.Topics;
using FastLog.Core;
using FastLog.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>A coordinator shard without the network: the offsets log is compacted by the log cleaner and replays to the same offsets.</summary>
public sealed class GroupShardTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fastlog-groupshard-{Guid.NewGuid():N}");
    private readonly ShardGroup _shards = new(new ShardGroupOptions { ShardCount = 1, PinThreads = false });

    public GroupShardTests() => _shards.Start();

    [Fact]
    public async Task Compaction_KeepsOnlyLiveOffsets_AndTheyReplay()
    {
        var topics = TopicRegistry.Open(_directory, new Dictionary<string, string>());
        await topics.CreateAsync("t", 2, new Dictionary<string, string>());
        var settings = new GroupSettings
        {
            MinSessionTimeoutMs = 6000,
            MaxSessionTimeoutMs = 60_000,
            OffsetsRetention = TimeSpan.FromDays(1),
            OffsetsRetentionCheckInterval = TimeSpan.FromDays(1),
            OffsetsSegmentBytes = 4096, // a few commits a segment: the cleaner compacts every segment but the last
        };

        var partition = GroupPlacement.PartitionFor("g");
        await OnShardAsync(settings, async shard =>
        {
            for (var i = 1; i <= 100; i++)
            {
                var response = await shard.CommitAsync(Commit(i), topics);
                Assert.All(response.Topics.Single().Partitions, p => Assert.Equal(ErrorCode.None, p.ErrorCode));
            }

            var deleted = await shard.DeleteOffsetsAsync(new OffsetDeleteRequest { GroupId = "g", Topics = [new() { Name = "t", PartitionIndexes = [1] }] });
            Assert.Equal(ErrorCode.None, deleted.ErrorCode);
        });
        Assert.Equal(201, await RecordCountAsync());

        // The log cleaner keeps the latest commit of each partition and the tombstone (until
        // delete.retention.ms), in the segments it may clean; the active one stays as written.
        var before = await RecordCountAsync();
        var after = await RecordCountAsync(compact: true);
        Assert.True(after < before / 4, $"{after} of {before} records left after compaction");

        OffsetFetchResponse.OffsetFetchResponseGroup? fetched = null;
        await OnShardAsync(settings, async shard =>
        {
            await shard.LoadAsync(partition);
            fetched = shard.Fetch("g", null);
        });
        var committed = fetched!.Topics.Single().Partitions.Single();
        Assert.Equal((0, 100L, "m100"), (committed.PartitionIndex, committed.CommittedOffset, committed.Metadata));
    }

    /// <summary>Runs <paramref name="work"/> against a fresh coordinator shard (a broker start), then closes it (a clean stop).</summary>
    private Task OnShardAsync(GroupSettings settings, Func<GroupShard, Task> work) => _shards.RunAsync(0, async () =>
    {
        var shard = new GroupShard(settings, _directory, NullLogger.Instance);
        try
        {
            await work(shard);
        }
        finally
        {
            await shard.CloseAsync();
        }
    });

    private static OffsetCommitRequest Commit(int i) => new()
    {
        GroupId = "g",
        Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = i, CommittedMetadata = $"m{i}" }, new() { PartitionIndex = 1, CommittedOffset = i }] }],
    };

    /// <summary>Records in the group's offsets-log partition, read back from disk (on the shard, like every log), after a compaction when asked.</summary>
    private Task<long> RecordCountAsync(bool compact = false) => _shards.RunAsync(0, async () =>
    {
        var directory = Path.Combine(_directory, $"{GroupPlacement.OffsetsTopic}-{GroupPlacement.PartitionFor("g")}");
        var log = await OffsetsLog.OpenAsync(directory, 0, 4096, _ => { });
        if (compact)
        {
            await log.CompactNowAsync();
        }

        long count = 0;
        await log.ReplayAsync((_, _) => count++);
        await log.CloseAsync();
        return count;
    });

    public void Dispose()
    {
        _shards.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
