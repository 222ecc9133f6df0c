using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Topics;
using FastLog.Core;
using FastLog.Protocol;
using FastLog.Storage;
using FastLog.Storage.Compaction;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Partitions;

/// <summary>
/// Opens, finds and removes partitions, each on its owner shard (<see cref="PartitionPlacement"/>).
///
/// Concurrency protocol: <see cref="_tables"/>[s] is read and written only by shard s's thread;
/// other shards and off-shard callers reach it through <see cref="OnShardAsync{TState,TResult}"/>
/// (Shard.SubmitTo from a shard, ShardGroup.RunAsync otherwise). No locks.
/// </summary>
public sealed class PartitionManager
{
    private readonly ShardGroup _shards;
    private readonly TopicRegistry _topics;
    private readonly BrokerOptions _options;
    private readonly ILogger _logger;
    private readonly IStorageMetrics _storageMetrics;
    private readonly LogDirectories _directories;
    private readonly Dictionary<TopicPartition, PartitionReplica>[] _tables;

    // One scrub budget per shard (used on that shard only), shared by the partitions it owns; null: scrub off.
    private readonly ScrubBudget?[] _scrubBudgets;
    /// <summary>Idempotent batches refused before their sequences were checked, shared by every partition (see the type).</summary>
    public RefusedProducerBatches RefusedBatches { get; } = new();

    public PartitionManager(ShardGroup shards, TopicRegistry topics, BrokerOptions options, LogDirectories directories, IStorageMetrics storageMetrics, ILogger logger)
    {
        _shards = shards;
        _directories = directories;
        _storageMetrics = storageMetrics;
        _topics = topics;
        _options = options;
        _logger = logger;
        _tables = new Dictionary<TopicPartition, PartitionReplica>[shards.Count];
        _scrubBudgets = new ScrubBudget?[shards.Count];
        for (var i = 0; i < _scrubBudgets.Length; i++)
        {
            _scrubBudgets[i] = options.ScrubBytesPerSecond > 0 ? new ScrubBudget(options.ScrubBytesPerSecond) : null;
        }

        for (var i = 0; i < _tables.Length; i++)
        {
            _tables[i] = [];
        }
    }

    /// <summary>The shards partitions live on (one owner each, <see cref="PartitionPlacement"/>).</summary>
    public ShardGroup Shards => _shards;

    /// <summary>The log.dirs entries and which one holds each partition.</summary>
    public LogDirectories Directories => _directories;

    public int OwnerOf(TopicPartition partition) => PartitionPlacement.ShardFor(partition, _shards.Count);

    /// <summary>The replica of <paramref name="partition"/>; call on its owner shard only. Null when not open here.</summary>
    public PartitionReplica? FindOnOwner(TopicPartition partition)
    {
        var shard = Shard.Current ?? throw new InvalidOperationException("Partitions are reached on their owner shard.");
        return _tables[shard.Id].GetValueOrDefault(partition);
    }

    /// <summary>Every partition open on the calling shard (the ones it owns); call on a shard only, and do not keep it across awaits.</summary>
    public IReadOnlyCollection<PartitionReplica> OwnedHere =>
        _tables[(Shard.Current ?? throw new InvalidOperationException("Partitions are reached on their owner shard.")).Id].Values;

    /// <summary>Runs <paramref name="work"/> on shard <paramref name="target"/>, from a shard or from any other thread.</summary>
    public ValueTask<TResult> OnShardAsync<TState, TResult>(int target, TState state, Func<TState, ValueTask<TResult>> work) =>
        _shards.SubmitAsync(target, state, work);

    /// <summary>
    /// Runs <paramref name="work"/> for every item on the owner shard of its partition (one message
    /// per owner, see <see cref="OwnerFanOut"/>); results come back in the order of <paramref name="items"/>.
    /// </summary>
    public ValueTask<TResult[]> OnOwnersAsync<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, TopicPartition> partitionOf, Func<PartitionManager, TItem, ValueTask<TResult>> work) =>
        OwnerFanOut.RunAsync(_shards, items, item => OwnerOf(partitionOf(item)), this, work);

    /// <summary>Opens (creating when new) every partition of <paramref name="topic"/> from <paramref name="fromPartition"/> on, each on its owner.</summary>
    public Task OpenTopicAsync(TopicDescription topic, int fromPartition = 0) =>
        OpenPartitionsAsync(topic, Enumerable.Range(fromPartition, Math.Max(0, topic.PartitionCount - fromPartition)));

    /// <summary>Opens (creating when new) the given partitions of <paramref name="topic"/>, each on its owner; already open ones stay as they are.</summary>
    public async Task OpenPartitionsAsync(TopicDescription topic, IEnumerable<int> partitions)
    {
        var opening = new List<Task>();
        foreach (var p in partitions)
        {
            var partition = new TopicPartition(topic.Name, p);
            opening.Add(OnShardAsync(OwnerOf(partition), (this, partition, topic), static s => s.Item1.OpenHereAsync(s.partition, s.topic)).AsTask());
        }

        await Task.WhenAll(opening).ConfigureAwait(false);
    }

    /// <summary>Closes and deletes every partition of <paramref name="topic"/>.</summary>
    public Task DeleteTopicAsync(TopicDescription topic) =>
        DeletePartitionsAsync(Enumerable.Range(0, topic.PartitionCount).Select(p => new TopicPartition(topic.Name, p)).ToList());

    /// <summary>
    /// Closes (each on its owner) and deletes the given partitions' logs; a partition not open here is
    /// only deleted from disk. Each directory is first renamed, atomically, to Kafka's
    /// "topic-N.id-delete", which no scan takes for a log: a crash halfway through the deletion leaves
    /// no partial log that a later replica of the partition would open as its own (LogDirectories
    /// deletes the rest at the next start).
    /// </summary>
    public async Task DeletePartitionsAsync(IReadOnlyList<TopicPartition> partitions)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        await Task.WhenAll(partitions.Select(partition =>
            OnShardAsync(OwnerOf(partition), (this, partition), static s => s.Item1.CloseForDeletionHereAsync(s.partition)).AsTask())).ConfigureAwait(false);
        // Off the shards: deleting a large log's files takes a while.
        await Task.Run(() =>
        {
            foreach (var partition in partitions)
            {
                if (_directories.Find(partition)?.PartitionPath(partition) is { } directory && Directory.Exists(directory))
                {
                    var doomed = $"{directory}.{Guid.NewGuid():N}-delete";
                    Directory.Move(directory, doomed);
                    Directory.Delete(doomed, recursive: true);
                }

                _directories.Forget(partition);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="topic"/>'s (changed) configs to its open partitions: each owner shard
    /// gives its logs the new storage settings, which the next append, roll and retention pass use.
    /// </summary>
    public Task ReconfigureTopicAsync(TopicDescription topic) =>
        Task.WhenAll(Enumerable.Range(0, _shards.Count).Select(shard =>
            OnShardAsync(shard, (this, topic), static s =>
            {
                var (self, changed) = s;
                // The registry's current description, not the one passed in: when two alterations
                // race, whichever reaches a shard last still applies the newest configs.
                var topic = self._topics.Find(changed.Name) ?? changed;
                var table = self._tables[Shard.Current!.Id];
                for (var p = 0; p < topic.PartitionCount; p++)
                {
                    if (table.GetValueOrDefault(new TopicPartition(topic.Name, p)) is not { } replica)
                    {
                        continue;
                    }

                    replica.Compression = self.CompressionOf(topic);
                    try
                    {
                        replica.Log.UpdateOptions(self.StorageOptionsFor(topic, replica.Directory));
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException)
                    {
                        // A faulted or closing log takes the topic's configs when it is next opened.
                        self._logger.LogWarning("{Partition}: new configs not applied to the open log: {Reason}", replica.Id, e.Message);
                    }
                }

                return ValueTask.FromResult(true);
            }).AsTask()));

    /// <summary>
    /// DeleteRecords for one partition; call on its owner shard. <paramref name="offset"/> -1 means the
    /// high watermark. Returns the LogStartOffset afterwards (Kafka's low watermark), or the error:
    /// OFFSET_OUT_OF_RANGE past the high watermark, NOT_LEADER_OR_FOLLOWER when not open here.
    /// </summary>
    public async ValueTask<(ErrorCode Error, long LowWatermark)> DeleteRecordsOnOwnerAsync(TopicPartition partition, long offset)
    {
        if (FindOnOwner(partition) is not { } replica)
        {
            return (ErrorCode.NotLeaderOrFollower, -1);
        }

        var log = replica.Log;
        var target = offset == -1 ? log.HighWatermark : offset;
        if (target < 0)
        {
            return (ErrorCode.OffsetOutOfRange, -1);
        }

        try
        {
            return (ErrorCode.None, await log.DeleteRecordsAsync(target));
        }
        catch (Exception e) when (e is LogOffsetOutOfRangeException or IOException or ObjectDisposedException)
        {
            return (StorageErrors.ToErrorCode(e), -1);
        }
    }

    /// <summary>Opens every partition of every known topic (startup); recovery runs on each owner shard in parallel.</summary>
    public Task OpenAllAsync() => Task.WhenAll(_topics.Current.ByName.Values.Select(t => OpenTopicAsync(t)));

    /// <summary>
    /// The log cleaner's figures of every compacted partition open here (for /metrics), each read on
    /// its owner shard; ordered by topic and partition. Delete-only partitions are left out, so the
    /// count follows what users opted into with cleanup.policy=compact.
    /// </summary>
    public async Task<List<(TopicPartition Partition, CleanerStatus Status)>> CleanerStatusesAsync()
    {
        var perShard = await Task.WhenAll(Enumerable.Range(0, _shards.Count).Select(shard =>
            OnShardAsync(shard, this, static self => ValueTask.FromResult(self._tables[Shard.Current!.Id].Values
                .Select(r => (r.Id, Status: r.Log.CleanerStatus))
                .Where(r => r.Status is not null)
                .Select(r => (r.Id, r.Status!.Value))
                .ToList())).AsTask()));
        return perShard.SelectMany(s => s).OrderBy(s => s.Id.Topic, StringComparer.Ordinal).ThenBy(s => s.Id.Partition).ToList();
    }

    /// <summary>Closes every partition cleanly (flush, checkpoint, clean-shutdown marker, producer state snapshot).</summary>
    public Task CloseAllAsync() =>
        Task.WhenAll(Enumerable.Range(0, _shards.Count).Select(shard =>
            OnShardAsync(shard, this, static async self =>
            {
                var table = self._tables[Shard.Current!.Id];
                foreach (var replica in table.Values.ToList())
                {
                    await self.CloseReplicaAsync(replica);
                }

                table.Clear();
                return true;
            }).AsTask()));

    private async ValueTask<bool> OpenHereAsync(TopicPartition partition, TopicDescription topic)
    {
        var table = _tables[Shard.Current!.Id];
        if (table.ContainsKey(partition))
        {
            return false;
        }

        var directory = _directories.DirectoryFor(partition);
        var log = await PartitionLog.OpenAsync(directory.PartitionPath(partition), StorageOptionsFor(topic, directory));
        if (log.BytesScannedAtOpen > 0)
        {
            _logger.LogInformation("{Partition}: recovered after an unclean stop ({Bytes} bytes scanned)", partition, log.BytesScannedAtOpen);
        }

        table[partition] = new PartitionReplica(partition, log, directory, _options.AckDurability) { Compression = CompressionOf(topic), RefusedBatches = RefusedBatches };
        return true;
    }

    private async ValueTask<bool> CloseForDeletionHereAsync(TopicPartition partition)
    {
        var table = _tables[Shard.Current!.Id];
        if (!table.Remove(partition, out var replica))
        {
            return false;
        }

        replica.StopReplica();
        try
        {
            await replica.Log.CloseAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Its files are deleted next: a close that could not write its checkpoint (a full disk) loses nothing.
            _logger.LogInformation("{Partition}: closed for deletion without its final checkpoint: {Reason}", replica.Id, e.Message);
        }

        return true;
    }

    private async Task CloseReplicaAsync(PartitionReplica replica)
    {
        try
        {
            await replica.Log.CloseAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _logger.LogError(e, "{Partition}: close failed; the next start recovers it from the log", replica.Id);
        }
    }

    private TopicCompression? CompressionOf(TopicDescription topic) => TopicConfigCatalog.Compression(key => _topics.EffectiveConfig(topic, key));

    /// <summary>The storage settings of a topic's partitions in <paramref name="directory"/>, from its effective configs.</summary>
    private StorageOptions StorageOptionsFor(TopicDescription topic, LogDirectory directory)
    {
        long Config(string key) => long.Parse(_topics.EffectiveConfig(topic, key), CultureInfo.InvariantCulture);
        var retentionMs = Config(TopicConfigCatalog.RetentionMs);
        return new StorageOptions
        {
            SegmentBytes = Config(TopicConfigCatalog.SegmentBytes),
            SegmentAge = TimeSpan.FromMilliseconds(Config(TopicConfigCatalog.SegmentMs)),
            RetentionBytes = Config(TopicConfigCatalog.RetentionBytes),
            RetentionAge = retentionMs < 0 ? null : TimeSpan.FromMilliseconds(retentionMs),
            MaxBatchBytes = (int)Config(TopicConfigCatalog.MaxMessageBytes),
            LogAppendTime = _topics.EffectiveConfig(topic, TopicConfigCatalog.MessageTimestampType) == "LogAppendTime",
            Compaction = TopicConfigCatalog.Compaction(key => _topics.EffectiveConfig(topic, key), TimeSpan.FromMilliseconds(_options.LogCleanerBackoffMs),
                (int)Math.Min(int.MaxValue, _options.LogCleanerDedupeBufferSize / _shards.Count)),
            // Appends complete once written; acks=all (and "durable" ack mode) add an explicit flush
            // (see PartitionReplica.AppendAsync), and the interval flush covers the rest.
            Durability = DurabilityMode.Interval,
            // In a cluster the partition's leader moves the high watermark as the ISR catches up (PartitionReplica.Replication.cs).
            HighWatermarkMode = _options.QuorumVoters.Count > 0 ? HighWatermarkMode.SetByOwner : HighWatermarkMode.FollowsLogEnd,
            FlushInterval = TimeSpan.FromMilliseconds(_options.FlushIntervalMs),
            Log = message => _logger.LogInformation("{Topic}: {Message}", topic.Name, message),
            LogWarning = message => _logger.LogWarning("{Topic}: {Message}", topic.Name, message),
            LogError = message => _logger.LogError("{Topic}: {Message}", topic.Name, message),
            // One filesystem per log directory: a partition that finds it full makes its neighbours give back their reservations.
            SpaceShortage = directory.SpaceShortage,
            Faulted = error => _directories.Fail(directory, error),
            Metrics = _storageMetrics,
            Scrub = Shard.Current is { } shard ? _scrubBudgets[shard.Id] : null,
        };
    }
}
