using System.Collections.Concurrent;
using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Core;
using FastLog.Metadata.Image;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Replication;

/// <summary>
/// ISR replication on this broker (Kafka's ReplicaManager): applies each committed image's
/// assignments to the partitions every shard owns, runs one <see cref="ReplicaFetcher"/> per
/// (shard, leader broker) for the partitions this broker follows, and asks the controller for ISR
/// changes its leaders call for (<see cref="PartitionReplica.ProposedIsr"/>).
/// <para>Threading: <see cref="_fetchers"/>[s] and <see cref="_images"/>[s] are touched only on
/// shard s (a fetcher retires itself there, so starting and retiring never race). The ISR loop runs
/// on the thread pool and reaches partitions through their shards.</para>
/// </summary>
public sealed class ReplicaManager : IAsyncDisposable
{
    private static readonly TimeSpan IsrCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly BrokerOptions _options;
    private readonly PartitionManager _partitions;
    private readonly Func<IsrChange, Task> _alterPartition;
    private readonly ILogger _logger;
    private readonly Dictionary<int, ReplicaFetcher>[] _fetchers;
    private readonly MetadataImage[] _images;
    private readonly ConcurrentDictionary<ReplicaFetcher, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _isrLoop = Task.CompletedTask;
    private long _isrChangesMade;
    private long _isrChangesRefused;

    public ReplicaManager(BrokerOptions options, PartitionManager partitions, Func<IsrChange, Task> alterPartition, ILogger logger)
    {
        _options = options;
        _partitions = partitions;
        _alterPartition = alterPartition;
        _logger = logger;
        _fetchers = Enumerable.Range(0, partitions.Shards.Count).Select(_ => new Dictionary<int, ReplicaFetcher>()).ToArray();
        _images = Enumerable.Repeat(MetadataImage.Empty, partitions.Shards.Count).ToArray();
    }

    public int NodeId => _options.NodeId;

    public PartitionManager Partitions => _partitions;

    public BrokerOptions Options => _options;

    public ILogger Logger => _logger;

    /// <summary>ISR changes this broker's leaders asked for that the controller made (fastlog_isr_change_requests_total).</summary>
    public long IsrChangesMade => Interlocked.Read(ref _isrChangesMade);

    /// <summary>ISR changes refused (stale epochs) or unanswered (no controller).</summary>
    public long IsrChangesRefused => Interlocked.Read(ref _isrChangesRefused);

    public void Start() => _isrLoop = Task.Run(CheckIsrAsync);

    /// <summary>
    /// On a shard: every partition it owns that the image gives this broker takes its assignment
    /// (becoming leader or follower), and a fetcher runs for every leader it now follows.
    /// </summary>
    public void ApplyOnShard(MetadataImage image)
    {
        var shard = Shard.Current!.Id;
        _images[shard] = image;
        var now = Environment.TickCount64;
        var followed = new HashSet<int>();
        foreach (var replica in _partitions.OwnedHere)
        {
            if (!image.TopicsByName.TryGetValue(replica.Id.Topic, out var topic) || replica.Id.Partition >= topic.Partitions.Count)
            {
                continue;
            }

            var assignment = topic.Partitions[replica.Id.Partition];
            if (!assignment.Replicas.Contains(NodeId))
            {
                continue;
            }

            replica.ApplyAssignment(assignment, NodeId, MinInSyncReplicas(topic), now);
            if (assignment.HasLeader && assignment.Leader != NodeId)
            {
                followed.Add(assignment.Leader);
            }
        }

        foreach (var leader in followed.Where(l => !_fetchers[shard].ContainsKey(l)))
        {
            var fetcher = new ReplicaFetcher(this, shard, leader);
            _fetchers[shard][leader] = fetcher;
            _running[fetcher] = Task.Run(() => fetcher.RunAsync(_stopping.Token));
        }
    }

    /// <summary>On shard <paramref name="shard"/>: the image it last applied (where a fetcher finds its leader's address).</summary>
    public MetadataImage ImageOnShard(int shard) => _images[shard];

    /// <summary>On the fetcher's shard: it follows no partition any more and stops; a later image starts a new one.</summary>
    public void Retire(ReplicaFetcher fetcher)
    {
        if (_fetchers[fetcher.Shard].TryGetValue(fetcher.Leader, out var current) && current == fetcher)
        {
            _fetchers[fetcher.Shard].Remove(fetcher.Leader);
        }
    }

    /// <summary>A fetcher's task has ended (called by the fetcher itself).</summary>
    public void Ended(ReplicaFetcher fetcher) => _running.TryRemove(fetcher, out _);

    /// <summary>The topic's min.insync.replicas, else the broker default, else Kafka's 1.</summary>
    private int MinInSyncReplicas(TopicImage topic) =>
        int.Parse(topic.Configs.GetValueOrDefault(TopicConfigCatalog.MinInSyncReplicas)
            ?? _options.TopicDefaults.GetValueOrDefault(TopicConfigCatalog.MinInSyncReplicas) ?? "1", CultureInfo.InvariantCulture);

    /// <summary>
    /// Four times a second, every shard's leaders say whether their ISR should change (a follower
    /// fell replica.lag.time.max.ms behind, or caught up); each change goes to the controller, and
    /// takes effect when the image carrying it is applied.
    /// </summary>
    private async Task CheckIsrAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(IsrCheckInterval, _stopping.Token).ConfigureAwait(false);
                for (var shard = 0; shard < _fetchers.Length; shard++)
                {
                    var changes = await _partitions.OnShardAsync(shard, this, static self => ValueTask.FromResult(self.IsrChangesHere())).ConfigureAwait(false);
                    foreach (var change in changes)
                    {
                        _ = RequestIsrChangeAsync(shard, change);
                    }
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private List<IsrChange> IsrChangesHere()
    {
        var image = _images[Shard.Current!.Id];
        var now = Environment.TickCount64;
        var changes = new List<IsrChange>();
        foreach (var replica in _partitions.OwnedHere)
        {
            if (replica.ProposedIsr(now, _options.ReplicaLagTimeMaxMs) is { } isr && image.TopicsByName.TryGetValue(replica.Id.Topic, out var topic))
            {
                var assignment = replica.Assignment!;
                replica.IsrChangeRequested(inFlight: true, now);
                changes.Add(new IsrChange(topic.TopicId, topic.Name, replica.Id.Partition, assignment.LeaderEpoch, assignment.PartitionEpoch, isr));
            }
        }

        return changes;
    }

    private async Task RequestIsrChangeAsync(int shard, IsrChange change)
    {
        try
        {
            await _alterPartition(change).ConfigureAwait(false);
            Interlocked.Increment(ref _isrChangesMade);
            _logger.LogInformation("{Topic}-{Partition}: ISR change to [{Isr}] requested at leader epoch {LeaderEpoch}, partition epoch {PartitionEpoch}",
                change.Topic, change.Partition, string.Join(",", change.NewIsr), change.LeaderEpoch, change.PartitionEpoch);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            // Refused (stale epochs: a newer image is on its way) or the controller was unreachable: ask again at the next check.
            Interlocked.Increment(ref _isrChangesRefused);
            _logger.LogInformation("{Topic}-{Partition}: ISR change to [{Isr}] not made: {Reason}", change.Topic, change.Partition, string.Join(",", change.NewIsr), e.Message);
            await _partitions.OnShardAsync(shard, change, c =>
            {
                if (_partitions.FindOnOwner(new TopicPartition(c.Topic, c.Partition)) is { } replica)
                {
                    replica.IsrChangeRequested(inFlight: false, Environment.TickCount64);
                }

                return ValueTask.FromResult(true);
            }).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _isrLoop.ConfigureAwait(false);
        await Task.WhenAll(_running.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
