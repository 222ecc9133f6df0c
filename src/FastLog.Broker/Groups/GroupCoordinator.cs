using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Core;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>
/// The group coordinator: forwards every request for a group to the shard that owns it (the owner
/// of the group's offsets-log partition, <see cref="GroupPlacement"/>) and gathers the per-shard
/// answers of broker-wide requests (ListGroups). On a single node startup replays the offsets log
/// on the owner shards; in a cluster each __consumer_offsets partition's groups are loaded when
/// this broker becomes its leader. Stop closes the logs.
///
/// Concurrency protocol: <see cref="_shards"/>[s] is touched only by shard s's thread, reached
/// through <see cref="PartitionManager.OnShardAsync{TState,TResult}"/> (Shard.SubmitTo). No locks.
/// </summary>
public sealed class GroupCoordinator
{
    private readonly PartitionManager _partitions;
    private readonly string _dataDirectory;
    private readonly ILogger _logger;
    private readonly GroupShard[] _shards;
    private readonly bool _replicated;

    // In a cluster, per __consumer_offsets partition: the leader epoch whose groups are loaded and
    // served here (-1: none), and the one being loaded. Written on the partition's owner shard,
    // read by request routing on any shard.
    private readonly int[] _servedEpoch = Enumerable.Repeat(-1, GroupPlacement.OffsetsPartitions).ToArray();
    private readonly int[] _loadingEpoch = Enumerable.Repeat(-1, GroupPlacement.OffsetsPartitions).ToArray();

    public GroupCoordinator(PartitionManager partitions, BrokerOptions options, ILogger logger)
    {
        _partitions = partitions;
        _dataDirectory = options.DataDirectory;
        _logger = logger;
        _replicated = options.QuorumVoters.Count > 0;
        var settings = GroupSettings.From(options);
        _shards = new GroupShard[partitions.Shards.Count];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new GroupShard(settings, options.DataDirectory, logger, _replicated);
        }
    }

    /// <summary>
    /// False while this broker, the group's coordinator in a cluster, is still loading the group's
    /// __consumer_offsets partition (COORDINATOR_LOAD_IN_PROGRESS); always true on a single node,
    /// which loads everything at start.
    /// </summary>
    public bool IsLoaded(string groupId) => !_replicated || Volatile.Read(ref _servedEpoch[GroupPlacement.PartitionFor(groupId)]) >= 0;

    /// <summary>
    /// On a shard, after it applied a metadata image: for every __consumer_offsets partition it owns,
    /// start serving the groups of those this broker now leads (loading them from the replicated log
    /// first) and drop the groups of those it no longer leads. <paramref name="ledEpoch"/> gives the
    /// leader epoch of a partition this broker leads, -1 otherwise.
    /// </summary>
    public void FollowLeadershipOnShard(Func<int, int> ledEpoch)
    {
        var shard = Shard.Current!.Id;
        for (var p = 0; p < GroupPlacement.OffsetsPartitions; p++)
        {
            if (GroupPlacement.ShardFor(p, _shards.Length) != shard)
            {
                continue;
            }

            var epoch = ledEpoch(p);
            if (epoch == _servedEpoch[p] || epoch == _loadingEpoch[p])
            {
                continue;
            }

            if (_servedEpoch[p] >= 0 || _loadingEpoch[p] >= 0)
            {
                // Led at another epoch before (or not at all now): what was loaded may have been truncated since.
                _shards[shard].Resign(p);
                Volatile.Write(ref _servedEpoch[p], -1);
                _loadingEpoch[p] = -1;
            }

            if (epoch >= 0 && _partitions.FindOnOwner(new TopicPartition(GroupPlacement.OffsetsTopic, p)) is { } replica)
            {
                _loadingEpoch[p] = epoch;
                _ = LoadLedAsync(shard, p, epoch, replica);
            }
        }
    }

    private async Task LoadLedAsync(int shard, int partition, int epoch, PartitionReplica replica)
    {
        try
        {
            await _shards[shard].LeadAsync(partition, replica);
            if (_loadingEpoch[partition] == epoch)
            {
                _loadingEpoch[partition] = -1;
                Volatile.Write(ref _servedEpoch[partition], epoch);
                _logger.LogInformation("Coordinating the groups of {Offsets}-{Partition} (leader epoch {Epoch})", GroupPlacement.OffsetsTopic, partition, epoch);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidDataException)
        {
            // The next image (or leadership change) tries again; meanwhile the groups answer COORDINATOR_LOAD_IN_PROGRESS.
            _loadingEpoch[partition] = -1;
            _logger.LogWarning("Loading the groups of {Offsets}-{Partition} failed: {Reason}", GroupPlacement.OffsetsTopic, partition, e.Message);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the shard coordinating <paramref name="groupId"/>.</summary>
    public ValueTask<TResult> OnOwnerAsync<TState, TResult>(string groupId, TState state, Func<GroupShard, TState, ValueTask<TResult>> work) =>
        OnShardAsync(ShardOf(groupId), state, work);

    private int ShardOf(string groupId) => GroupPlacement.ShardFor(GroupPlacement.PartitionFor(groupId), _shards.Length);

    /// <summary>Runs <paramref name="work"/> for each item on the owner of its group, all in parallel; results in item order.</summary>
    public ValueTask<TResult[]> OnOwnersAsync<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, string> groupIdOf, Func<GroupShard, TItem, ValueTask<TResult>> work) =>
        OwnerFanOut.RunAsync(_partitions.Shards, items, item => ShardOf(groupIdOf(item)), (this, work), static (s, item) => s.work(s.Item1._shards[Shard.Current!.Id], item));

    /// <summary>Runs <paramref name="work"/> on every shard; results in shard order.</summary>
    public Task<TResult[]> OnEveryShardAsync<TState, TResult>(TState state, Func<GroupShard, TState, ValueTask<TResult>> work) =>
        Task.WhenAll(Enumerable.Range(0, _shards.Length).Select(shard => OnShardAsync(shard, state, work).AsTask()));

    /// <summary>Startup: replays every existing offsets-log partition on its owner shard, then starts the cleanup timers.</summary>
    public async Task OpenAsync()
    {
        // In a cluster, groups are loaded as this broker becomes the leader of their partitions (FollowLeadershipOnShard).
        var partitions = _replicated ? [] : Directory.EnumerateDirectories(_dataDirectory, GroupPlacement.OffsetsTopic + "-*")
            .Select(d => int.TryParse(Path.GetFileName(d).AsSpan(GroupPlacement.OffsetsTopic.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : -1)
            .Where(p => p is >= 0 and < GroupPlacement.OffsetsPartitions)
            .ToList();
        await Task.WhenAll(partitions.Select(p =>
            OnShardAsync(GroupPlacement.ShardFor(p, _shards.Length), p, static async (shard, p) =>
            {
                await shard.LoadAsync(p);
                return true;
            }).AsTask())).ConfigureAwait(false);
        await OnEveryShardAsync(0, static (shard, _) =>
        {
            shard.StartCleanup();
            return ValueTask.FromResult(true);
        }).ConfigureAwait(false);
        if (partitions.Count > 0)
        {
            _logger.LogInformation("Loaded committed offsets from {Count} offsets-log partitions", partitions.Count);
        }
    }

    /// <summary>Stop: waiting members are sent away, timers stop, the offsets log is closed cleanly.</summary>
    public Task CloseAsync() => OnEveryShardAsync(0, static async (shard, _) =>
    {
        await shard.CloseAsync();
        return true;
    });

    private ValueTask<TResult> OnShardAsync<TState, TResult>(int shard, TState state, Func<GroupShard, TState, ValueTask<TResult>> work) =>
        _partitions.OnShardAsync(shard, (this, state, work), static s => s.work(s.Item1._shards[Shard.Current!.Id], s.state));
}
