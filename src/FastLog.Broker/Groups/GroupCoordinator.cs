using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Core;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>
/// The group coordinator: forwards every request for a group to the shard that owns it (the owner
/// of the group's offsets-log partition, <see cref="GroupPlacement"/>) and gathers the per-shard
/// answers of broker-wide requests (ListGroups). Startup replays the offsets log on the owner
/// shards; stop closes it.
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

    public GroupCoordinator(PartitionManager partitions, BrokerOptions options, ILogger logger)
    {
        _partitions = partitions;
        _dataDirectory = options.DataDirectory;
        _logger = logger;
        var settings = GroupSettings.From(options);
        _shards = new GroupShard[partitions.ShardCount];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new GroupShard(settings, options.DataDirectory, logger);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the shard coordinating <paramref name="groupId"/>.</summary>
    public ValueTask<TResult> OnOwnerAsync<TState, TResult>(string groupId, TState state, Func<GroupShard, TState, ValueTask<TResult>> work) =>
        OnShardAsync(GroupPlacement.ShardFor(GroupPlacement.PartitionFor(groupId), _shards.Length), state, work);

    /// <summary>Runs <paramref name="work"/> for each item on the owner of its group, all in parallel; results in item order.</summary>
    public Task<TResult[]> OnOwnersAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, string> groupIdOf, Func<GroupShard, TItem, ValueTask<TResult>> work) =>
        Task.WhenAll(items.Select(item => OnOwnerAsync(groupIdOf(item), item, work).AsTask()));

    /// <summary>Runs <paramref name="work"/> on every shard; results in shard order.</summary>
    public Task<TResult[]> OnEveryShardAsync<TState, TResult>(TState state, Func<GroupShard, TState, ValueTask<TResult>> work) =>
        Task.WhenAll(Enumerable.Range(0, _shards.Length).Select(shard => OnShardAsync(shard, state, work).AsTask()));

    /// <summary>Startup: replays every existing offsets-log partition on its owner shard, then starts the cleanup timers.</summary>
    public async Task OpenAsync()
    {
        var partitions = Directory.EnumerateDirectories(_dataDirectory, GroupPlacement.OffsetsTopic + "-*")
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
