using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Core;
using FastLog.Metadata.Image;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Replication;

/// <summary>
/// ISR replication on this broker (Kafka's ReplicaManager): applies each committed image's
/// assignments to the partitions every shard owns, runs one <see cref="ReplicaFetcher"/> per
/// (shard, leader broker) for the partitions this broker follows, and asks the controller for ISR
/// changes its leaders call for (<see cref="PartitionReplica.ProposedIsr"/>).
/// <para>Threading: <see cref="_fetchers"/>[s] and <see cref="_images"/>[s] are touched only on
/// shard s, where its fetchers run (a fetcher retires itself there, so starting and retiring never
/// race). <see cref="_running"/> is written by the shards and read by <see cref="DisposeAsync"/>.
/// The ISR loop runs on the thread pool and reaches partitions through their shards.</para>
/// </summary>
public sealed class ReplicaManager : IAsyncDisposable
{
    private static readonly TimeSpan IsrCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly BrokerOptions _options;
    private readonly PartitionManager _partitions;
    private readonly Func<IReadOnlyList<IsrChange>, Task<ErrorCode[]>> _alterPartition;
    private readonly ILogger _logger;
    private readonly Dictionary<int, ReplicaFetcher>[] _fetchers;
    private readonly MetadataImage[] _images;
    private readonly ConcurrentDictionary<ReplicaFetcher, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _isrLoop = Task.CompletedTask;
    private long _isrChangesMade;
    private long _isrChangesRefused;

    public ReplicaManager(BrokerOptions options, PartitionManager partitions, Func<IReadOnlyList<IsrChange>, Task<ErrorCode[]>> alterPartition, ILogger logger)
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

            // Started here, on its shard, like a connection's loop: it runs until its first await and
            // every continuation comes back to this shard. One that ended at once (nothing to follow
            // after all) has already called Ended and is not waited for.
            var running = fetcher.RunAsync(_stopping.Token);
            if (!running.IsCompleted)
            {
                _running[fetcher] = running;
            }
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
                var changes = new List<IsrChange>();
                for (var shard = 0; shard < _fetchers.Length; shard++)
                {
                    changes.AddRange(await _partitions.OnShardAsync(shard, this, static self => ValueTask.FromResult(self.IsrChangesHere())).ConfigureAwait(false));
                }

                // One request for every change of the round, and one round at a time: a controller
                // that cannot be reached holds up this loop, not a queue of requests per partition.
                if (changes.Count > 0)
                {
                    await RequestIsrChangesAsync(changes).ConfigureAwait(false);
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
            if (replica.ProposedIsr(now, _options.ReplicaLagTimeMaxMs) is not { } proposed || !image.TopicsByName.TryGetValue(replica.Id.Topic, out var topic))
            {
                continue;
            }

            // A fenced broker cannot join (the controller would refuse it): it may look caught up while
            // the high watermark stands still for want of in-sync replicas.
            var assignment = replica.Assignment!;
            var isr = proposed.Where(r => assignment.Isr.Contains(r) || image.IsLive(r)).ToImmutableArray();
            if (!isr.SequenceEqual(assignment.Isr))
            {
                replica.IsrChangeRequested(isr, now);
                changes.Add(new IsrChange(topic.TopicId, topic.Name, replica.Id.Partition, assignment.LeaderEpoch, assignment.PartitionEpoch, isr));
            }
        }

        return changes;
    }

    /// <summary>
    /// Sends the round's ISR changes; each refused one (stale epochs: a newer image is on its way)
    /// or all of them when no controller answers, is proposed again with the next image or after a pause.
    /// </summary>
    private async Task RequestIsrChangesAsync(List<IsrChange> changes)
    {
        ErrorCode[] outcomes;
        try
        {
            outcomes = await _alterPartition(changes).ConfigureAwait(false);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            Interlocked.Add(ref _isrChangesRefused, changes.Count);
            _logger.LogInformation("{Count} ISR change(s) not sent: {Reason}", changes.Count, e.Message);
            return;
        }

        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            Interlocked.Increment(ref outcomes[i] == ErrorCode.None ? ref _isrChangesMade : ref _isrChangesRefused);
            _logger.LogInformation("{Topic}-{Partition}: ISR change to [{Isr}] at leader epoch {LeaderEpoch}, partition epoch {PartitionEpoch}: {Outcome}",
                change.Topic, change.Partition, string.Join(",", change.NewIsr), change.LeaderEpoch, change.PartitionEpoch, outcomes[i] == ErrorCode.None ? "made" : outcomes[i]);
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
