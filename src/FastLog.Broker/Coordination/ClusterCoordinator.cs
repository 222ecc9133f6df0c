using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using FastLog.Broker.Configuration;
using FastLog.Broker.Groups;
using FastLog.Broker.Partitions;
using FastLog.Broker.Replication;
using FastLog.Broker.Topics;
using FastLog.Client;
using FastLog.Cluster;
using FastLog.Core;
using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Quorum;
using FastLog.Metadata.Records;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Coordination;

/// <summary>
/// A broker's part in the cluster: it follows the committed metadata image (topics into the
/// registry, the partitions it hosts opened, the image handed to every shard), does the
/// controller's work while its Raft node leads (fencing and unfencing brokers from gossip's view,
/// electing leaders, serving topic changes and producer-id blocks), and forwards to the controller
/// what only the controller may decide. The image comes from an <see cref="IMetadataLog"/>: the
/// broker's own Raft node on a voter, the voters' answers on an observer; nothing here differs.
/// <para>Threading protocol: images arrive on the log's task (DotNext's applier, the observer's loop) and are handed to
/// <see cref="FollowImagesAsync"/>, one loop that applies them in order (a newer image replaces an
/// unapplied older one). Each shard's <see cref="_shardImages"/> slot is written only on that
/// shard, after the partitions the image gives this broker are open, so a shard never sees itself
/// leading a partition it has not opened. The controller loop (<see cref="ControlAsync"/>) runs on
/// the thread pool and decides through <see cref="IMetadataLog.SubmitAsync"/>, which serializes decisions.</para>
/// </summary>
public sealed class ClusterCoordinator : IAsyncDisposable
{
    private static readonly TimeSpan ControlInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(30);

    private readonly BrokerOptions _options;
    private readonly IMetadataLog _metadata;
    private readonly ClusterMembership _gossip;
    private readonly TopicRegistry _topics;
    private readonly PartitionManager _partitions;
    private readonly GroupCoordinator _groups;
    private readonly ILogger _logger;
    private readonly MetadataImage[] _shardImages;
    private readonly ReplicaManager _replicas;
    private readonly Channel<MetadataImage> _images = Channel.CreateBounded<MetadataImage>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Channel<bool> _controlSignals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _forwardGate = new(1, 1);
    private MetadataImage _followed = MetadataImage.Empty;
    private KafkaClientConnection? _toController;
    private int _toControllerId = -1;
    private long _leaderChanges;
    private Task _following = Task.CompletedTask;
    private Task _controlling = Task.CompletedTask;

    public ClusterCoordinator(BrokerOptions options, IMetadataLog metadata, ClusterMembership gossip, TopicRegistry topics, PartitionManager partitions, GroupCoordinator groups, ILogger logger)
    {
        _groups = groups;
        _options = options;
        _metadata = metadata;
        _gossip = gossip;
        _topics = topics;
        _partitions = partitions;
        _logger = logger;
        _shardImages = Enumerable.Repeat(MetadataImage.Empty, partitions.Shards.Count).ToArray();
        _replicas = new ReplicaManager(options, partitions, AlterPartitionAsync, logger);
    }

    public int NodeId => _options.NodeId;

    /// <summary>The Raft leader's node id, -1 during an election.</summary>
    public int ControllerId => _metadata.ControllerId;

    public bool IsController => _metadata.IsController;

    /// <summary>The metadata log this broker follows (a voter serves its committed image to observers from it).</summary>
    public IMetadataLog Metadata => _metadata;

    /// <summary>The image as this shard last received it (call on a shard); the newest applied image elsewhere.</summary>
    public MetadataImage Image => Shard.Current is { } shard && shard.Id < _shardImages.Length ? Volatile.Read(ref _shardImages[shard.Id]) : Volatile.Read(ref _followed);

    /// <summary>True when this broker leads <paramref name="partition"/> in the image its shard holds.</summary>
    public bool LeadsHere(TopicPartition partition) => LeaderOf(partition).Leader == NodeId;

    /// <summary>The leader and leader epoch of <paramref name="partition"/> in the image this shard holds; (-1, -1) when it has none.</summary>
    public (int Leader, int Epoch) LeaderOf(TopicPartition partition) =>
        Image.TopicsByName.TryGetValue(partition.Topic, out var topic) && partition.Partition < topic.Partitions.Count
            ? (topic.Partitions[partition.Partition].Leader, topic.Partitions[partition.Partition].LeaderEpoch)
            : (PartitionRecord.NoLeader, -1);

    /// <summary>
    /// The broker that coordinates <paramref name="groupId"/>: the leader of its __consumer_offsets
    /// partition (Kafka's rule), or -1 while that topic does not exist yet or the partition has no leader.
    /// </summary>
    public int GroupCoordinatorOf(string groupId) =>
        Image.TopicsByName.TryGetValue(GroupPlacement.OffsetsTopic, out var offsets) && GroupPlacement.PartitionFor(groupId) is var p && p < offsets.Partitions.Count
            ? offsets.Partitions[p].Leader
            : PartitionRecord.NoLeader;

    /// <summary>NONE when this broker coordinates the group; NOT_COORDINATOR when another does; COORDINATOR_NOT_AVAILABLE when none does now.</summary>
    public ErrorCode GroupCoordinatorError(string groupId) => GroupCoordinatorOf(groupId) switch
    {
        PartitionRecord.NoLeader => ErrorCode.CoordinatorNotAvailable,
        var id when id == NodeId => ErrorCode.None,
        _ => ErrorCode.NotCoordinator,
    };

    public Task StartAsync()
    {
        _metadata.ImageChanged += image => _images.Writer.TryWrite(image);
        _metadata.ControllerChanged += _ => _controlSignals.Writer.TryWrite(true);
        _gossip.MemberChanged += _ => _controlSignals.Writer.TryWrite(true);
        _images.Writer.TryWrite(_metadata.Image);
        _replicas.Start();
        _following = Task.Run(FollowImagesAsync);
        _controlling = Task.Run(ControlAsync);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Creates a topic through the controller (this broker's own quorum node when it leads, else
    /// forwarded as a CreateTopics request) and returns once this broker's image holds it.
    /// </summary>
    public async Task<TopicDescription> CreateTopicAsync(TopicCreation creation)
    {
        if (IsController)
        {
            // -1 with explicit assignments (Kafka's form for them) takes the assignments' size, not the default.
            var replicationFactor = creation.ReplicationFactor == -1 && creation.Assignments is null ? _options.DefaultReplicationFactor : creation.ReplicationFactor;
            var image = await DecideAsync(image => ControllerLogic.CreateTopic(image, creation with { ReplicationFactor = replicationFactor }, Guid.NewGuid())).ConfigureAwait(false);
            return await WaitForTopicAsync(creation.Name, image.TopicsByName[creation.Name].TopicId).ConfigureAwait(false) ?? throw NotVisibleYet(creation.Name);
        }

        var request = new CreateTopicsRequest { TimeoutMs = (int)ForwardTimeout.TotalMilliseconds };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic
        {
            Name = creation.Name,
            NumPartitions = creation.PartitionCount,
            ReplicationFactor = (short)creation.ReplicationFactor,
            Configs = creation.Configs.Select(c => new ConfigEntry { Name = c.Key, Value = c.Value }).ToList(),
        });
        var response = await ForwardToControllerAsync<CreateTopicsResponse>(request, 5).ConfigureAwait(false);
        var result = response.Topics.Single();
        if (result.ErrorCode != ErrorCode.None)
        {
            throw new ControllerException(ToControllerError(result.ErrorCode), result.ErrorMessage ?? result.ErrorCode.ToString());
        }

        return await WaitForTopicAsync(creation.Name, result.TopicId).ConfigureAwait(false) ?? throw NotVisibleYet(creation.Name);
    }

    private static ControllerException NotVisibleYet(string topic) =>
        new(ControllerError.NotController, $"Topic '{topic}' was created but has not reached this broker yet; retry.");

    /// <summary>On the controller: deletes a topic; returns once committed.</summary>
    public Task<MetadataImage> DeleteTopicAsync(string name) => DecideAsync(image => ControllerLogic.DeleteTopic(image, name));

    /// <summary>On the controller: grows a topic; returns once committed.</summary>
    public Task<MetadataImage> AddPartitionsAsync(string name, int newTotal, IReadOnlyList<IReadOnlyList<int>>? assignments) =>
        DecideAsync(image => ControllerLogic.CreatePartitions(image, name, newTotal, assignments));

    /// <summary>On the controller: replaces a topic's config overrides; returns once committed.</summary>
    public Task<MetadataImage> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> configs) =>
        DecideAsync(image => ControllerLogic.AlterTopicConfigs(image, name, configs.ToImmutableSortedDictionary(StringComparer.Ordinal)));

    /// <summary>
    /// On the controller: starts, replaces or (null <paramref name="target"/>) cancels a partition's
    /// reassignment; returns once committed. The brokers then follow the image: a new replica opens
    /// and fetches from the leader, and a dropped one deletes its copy once the reassignment completes.
    /// </summary>
    public Task<MetadataImage> ReassignPartitionAsync(string topic, int partition, ImmutableArray<int>? target, bool allowReplicationFactorChange) =>
        DecideAsync(image => ControllerLogic.AlterPartitionReassignment(image, topic, partition, target, allowReplicationFactorChange));

    /// <summary>On the controller: Kafka's ElectLeaders for <paramref name="partitions"/> (null: every one); each partition's outcome, once the new leaders are committed.</summary>
    public async Task<IReadOnlyList<ElectionOutcome>> ElectLeadersAsync(ElectionType type, IReadOnlyList<(string Topic, int Partition)>? partitions)
    {
        IReadOnlyList<ElectionOutcome> outcomes = [];
        await DecideAsync(image =>
        {
            var elections = ControllerLogic.ElectLeaders(image, type, partitions);
            outcomes = elections.Outcomes;
            return elections.Records;
        }).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>On the controller: a block of producer ids for this broker, taken from the log's watermark so no two brokers or controllers ever hand out the same id.</summary>
    public async Task<long> AllocateProducerIdsAsync(int count)
    {
        long first = -1;
        await DecideAsync(image =>
        {
            first = image.NextProducerId;
            return ControllerLogic.AllocateProducerIds(image, NodeId, count);
        }).ConfigureAwait(false);
        return first;
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the controller's Kafka listener and returns its answer
    /// (what a non-controller does with changes only the controller may make). Retries while an
    /// election runs or the controller cannot be reached, up to 30 s; then NotController.
    /// </summary>
    public async Task<TResponse> ForwardToControllerAsync<TResponse>(KafkaMessage request, short version)
        where TResponse : KafkaMessage, new()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(ForwardTimeout);
        await _forwardGate.WaitAsync(deadline.Token).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var controller = ControllerId;
                if (controller >= 0 && controller != NodeId && _followed.Brokers.TryGetValue(controller, out var broker))
                {
                    try
                    {
                        if (_toControllerId != controller || _toController is null)
                        {
                            _toController?.Dispose();
                            _toController = null;
                            _toController = await KafkaClientConnection.ConnectAsync(new DnsEndPoint(broker.KafkaHost, broker.KafkaPort), new KafkaClientOptions { ClientId = $"fastlog-broker-{NodeId}" }, deadline.Token).ConfigureAwait(false);
                            _toControllerId = controller;
                        }

                        return await _toController.SendAsync<TResponse>(request, version, deadline.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ProtocolException or TimeoutException && !deadline.IsCancellationRequested)
                    {
                        _logger.LogInformation("Forwarding {Api} to the controller (node {Controller}) failed, retrying: {Reason}", request.ApiKey, controller, e.Message);
                        _toController?.Dispose();
                        _toController = null;
                    }
                }
                else if (controller == NodeId)
                {
                    throw new ControllerException(ControllerError.NotController, "This broker became the controller while forwarding; retry.");
                }

                await Task.Delay(200, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            throw new ControllerException(ControllerError.NotController, $"No controller answered within {ForwardTimeout.TotalSeconds:0} s.");
        }
        finally
        {
            _forwardGate.Release();
        }
    }

    /// <summary>
    /// Waits (up to 30 s) until this broker has applied an image with the topic (with
    /// <paramref name="topicId"/>, unless empty: old CreateTopics versions carry no id) and opened
    /// its partitions; null when it has not by then.
    /// </summary>
    public async Task<TopicDescription?> WaitForTopicAsync(string name, Guid topicId)
    {
        var deadline = DateTime.UtcNow + ForwardTimeout;
        while (DateTime.UtcNow < deadline && !_stopping.IsCancellationRequested)
        {
            if (_topics.Find(name) is { } topic && (topicId == Guid.Empty || topic.TopicId == topicId))
            {
                return topic;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>
    /// This broker's leaders' ISR changes, decided by the controller: this broker's own quorum node
    /// when it leads, else forwarded as one Kafka AlterPartition request. Returns each change's
    /// outcome (NONE when made; a refusal such as FENCED_LEADER_EPOCH when the image that
    /// superseded it is on its way); throws when no controller answers.
    /// </summary>
    public async Task<ErrorCode[]> AlterPartitionAsync(IReadOnlyList<IsrChange> changes)
    {
        if (IsController)
        {
            var outcomes = new ErrorCode[changes.Count];
            for (var i = 0; i < changes.Count; i++)
            {
                try
                {
                    await DecideIsrChangeAsync(NodeId, changes[i]).ConfigureAwait(false);
                }
                catch (ControllerException e)
                {
                    outcomes[i] = ToErrorCode(e.Error);
                }
            }

            return outcomes;
        }

        var request = new AlterPartitionRequest { BrokerId = NodeId };
        foreach (var byTopic in changes.GroupBy(c => c.TopicId))
        {
            request.Topics.Add(new AlterPartitionRequest.TopicData
            {
                TopicId = byTopic.Key,
                Partitions = byTopic.Select(c => new AlterPartitionRequest.PartitionData { PartitionIndex = c.Partition, LeaderEpoch = c.LeaderEpoch, PartitionEpoch = c.PartitionEpoch, NewIsr = [.. c.NewIsr] }).ToList(),
            });
        }

        var response = await ForwardToControllerAsync<AlterPartitionResponse>(request, AlterPartitionVersion).ConfigureAwait(false);
        return changes.Select(c => response.ErrorCode != ErrorCode.None ? response.ErrorCode
            : response.Topics.FirstOrDefault(t => t.TopicId == c.TopicId)?.Partitions.FirstOrDefault(p => p.PartitionIndex == c.Partition)?.ErrorCode ?? ErrorCode.UnknownServerError).ToArray();
    }

    /// <summary>The Kafka error a controller API answers for a refused change.</summary>
    public static ErrorCode ToErrorCode(ControllerError error) => error switch
    {
        ControllerError.TopicAlreadyExists => ErrorCode.TopicAlreadyExists,
        ControllerError.UnknownTopic => ErrorCode.UnknownTopicOrPartition,
        ControllerError.InvalidPartitions => ErrorCode.InvalidPartitions,
        ControllerError.InvalidReplicationFactor => ErrorCode.InvalidReplicationFactor,
        ControllerError.InvalidReplicaAssignment => ErrorCode.InvalidReplicaAssignment,
        ControllerError.FencedLeaderEpoch => ErrorCode.FencedLeaderEpoch,
        ControllerError.InvalidUpdateVersion => ErrorCode.InvalidUpdateVersion,
        ControllerError.IneligibleReplica => ErrorCode.IneligibleReplica,
        ControllerError.InvalidRequest => ErrorCode.InvalidRequest,
        ControllerError.NoReassignmentInProgress => ErrorCode.NoReassignmentInProgress,
        ControllerError.ElectionNotNeeded => ErrorCode.ElectionNotNeeded,
        ControllerError.PreferredLeaderNotAvailable => ErrorCode.PreferredLeaderNotAvailable,
        ControllerError.EligibleLeadersNotAvailable => ErrorCode.EligibleLeadersNotAvailable,
        _ => ErrorCode.NotController,
    };

    /// <summary>On the controller: <paramref name="leaderId"/>'s ISR change; returns the partition as committed (refusals throw <see cref="ControllerException"/>).</summary>
    public async Task<PartitionImage> DecideIsrChangeAsync(int leaderId, IsrChange change)
    {
        var image = await DecideAsync(image => ControllerLogic.AlterPartition(image, change.TopicId, change.Partition, leaderId, change.LeaderEpoch, change.PartitionEpoch, change.NewIsr)).ConfigureAwait(false);
        return image.TopicsById[change.TopicId].Partitions[change.Partition];
    }

    /// <summary>AlterPartition as brokers send it: v2, the first with topic ids and the ISR as broker ids.</summary>
    public const short AlterPartitionVersion = 2;

    private Task<MetadataImage> DecideAsync(Func<MetadataImage, IReadOnlyList<MetadataRecord>> decide) => _metadata.SubmitAsync(decide, _stopping.Token);

    private static ControllerError ToControllerError(ErrorCode code) => code switch
    {
        ErrorCode.TopicAlreadyExists => ControllerError.TopicAlreadyExists,
        ErrorCode.InvalidReplicationFactor => ControllerError.InvalidReplicationFactor,
        ErrorCode.InvalidReplicaAssignment => ControllerError.InvalidReplicaAssignment,
        ErrorCode.InvalidPartitions => ControllerError.InvalidPartitions,
        ErrorCode.UnknownTopicOrPartition => ControllerError.UnknownTopic,
        _ => ControllerError.NotController,
    };

    /// <summary>
    /// Applies committed images in order: registry, hosted partitions, then each shard's copy; the
    /// first only once this broker has caught up with the quorum (<see cref="IMetadataLog.CatchUpAsync"/>):
    /// until then its partitions stay closed and it leads nothing, rather than lead by a stale image.
    /// </summary>
    private async Task FollowImagesAsync()
    {
        try
        {
            var waited = Stopwatch.StartNew();
            await _metadata.CatchUpAsync(_stopping.Token).ConfigureAwait(false);
            _images.Writer.TryWrite(_metadata.Image);
            _logger.LogInformation("Caught up with the metadata quorum at offset {Offset} in {Elapsed} ms; applying it", _metadata.Image.Offset, waited.ElapsedMilliseconds);
            await foreach (var image in _images.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await FollowAsync(image).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The next image retries; the partitions that could not open stay unserved meanwhile.
                    _logger.LogWarning("Cannot apply metadata image at offset {Offset}: {Reason}", image.Offset, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task FollowAsync(MetadataImage image)
    {
        var previous = _followed;
        var topics = image.TopicsByName.Values.Where(t => !TopicName.IsInternal(t.Name)).Select(Describe).ToList();
        // Only a deletion this broker saw committed removes data: a topic merely missing from the image
        // (a wiped metadata directory, a deletion applied while this broker was down) stays on disk.
        var removed = previous.TopicsById.Values.Where(t => !image.TopicsById.ContainsKey(t.TopicId) && !TopicName.IsInternal(t.Name)).Select(Describe).ToList();
        foreach (var orphan in _topics.Current.ByName.Values.Where(t => ReferenceEquals(previous, MetadataImage.Empty) && !image.TopicsById.ContainsKey(t.TopicId)))
        {
            _logger.LogWarning("Topic {Topic} ({TopicId}) is in this broker's topics.json but not in the cluster's metadata: its data is left on disk, unserved", orphan.Name, orphan.TopicId);
        }

        await _topics.SyncAsync(topics).ConfigureAwait(false);
        foreach (var gone in removed)
        {
            await _partitions.DeleteTopicAsync(gone).ConfigureAwait(false);
        }

        // Likewise a replica this broker saw reassigned away (a completed reassignment, or a cancelled one that was adding it) deletes its copy.
        await _partitions.DeletePartitionsAsync(ReassignedAway(previous, image)).ConfigureAwait(false);

        // __consumer_offsets is replicated like any topic (the group coordinators' logs) but stays out of the registry, as Kafka lists it nowhere by default.
        foreach (var topic in image.TopicsByName.Values.Where(t => !TopicName.IsInternal(t.Name) || t.Name == GroupPlacement.OffsetsTopic))
        {
            var description = _topics.Find(topic.Name) ?? Describe(topic);
            var hosted = topic.Partitions.Where(p => p.Replicas.Contains(NodeId)).Select(p => p.Partition).ToList();
            previous.TopicsById.TryGetValue(topic.TopicId, out var before);
            var newlyHosted = before is null ? hosted : hosted.Where(p => p >= before.Partitions.Count || !before.Partitions[p].Replicas.Contains(NodeId)).ToList();
            if (newlyHosted.Count > 0 || ReferenceEquals(previous, MetadataImage.Empty))
            {
                await _partitions.OpenPartitionsAsync(description, hosted).ConfigureAwait(false);
            }

            if (before is not null && !before.Configs.SequenceEqual(topic.Configs))
            {
                await _partitions.ReconfigureTopicAsync(description).ConfigureAwait(false);
            }
        }

        LogChanges(previous, image);
        Volatile.Write(ref _followed, image);
        await Task.WhenAll(Enumerable.Range(0, _shardImages.Length).Select(shard => _partitions.OnShardAsync(shard, (this, image), static s =>
        {
            s.Item1._replicas.ApplyOnShard(s.image);
            s.Item1._groups.FollowLeadershipOnShard(p => s.image.TopicsByName.TryGetValue(GroupPlacement.OffsetsTopic, out var offsets)
                && p < offsets.Partitions.Count && offsets.Partitions[p].Leader == s.Item1.NodeId ? offsets.Partitions[p].LeaderEpoch : -1);
            Volatile.Write(ref s.Item1._shardImages[Shard.Current!.Id], s.image);
            return ValueTask.FromResult(true);
        }).AsTask())).ConfigureAwait(false);
    }

    /// <summary>Partitions of topics in both images that this broker hosts in <paramref name="previous"/> and not in <paramref name="image"/>.</summary>
    private List<TopicPartition> ReassignedAway(MetadataImage previous, MetadataImage image) =>
        (from topic in image.TopicsById.Values
         let before = previous.TopicsById.GetValueOrDefault(topic.TopicId)
         where before is not null
         from partition in topic.Partitions
         where partition.Partition < before.Partitions.Count && before.Partitions[partition.Partition].Replicas.Contains(NodeId) && !partition.Replicas.Contains(NodeId)
         select new TopicPartition(topic.Name, partition.Partition)).ToList();

    private void LogChanges(MetadataImage previous, MetadataImage image)
    {
        foreach (var broker in image.Brokers.Values)
        {
            if (!previous.Brokers.TryGetValue(broker.BrokerId, out var before) || before.Fenced != broker.Fenced)
            {
                _logger.LogInformation("Cluster: broker {Broker} ({Host}:{Port}) {State}", broker.BrokerId, broker.KafkaHost, broker.KafkaPort, broker.Fenced ? "fenced" : "unfenced");
            }
        }

        var moved = (from topic in image.TopicsByName.Values
                     let before = previous.TopicsById.GetValueOrDefault(topic.TopicId)
                     from partition in topic.Partitions
                     where before is not null && partition.Partition < before.Partitions.Count && before.Partitions[partition.Partition].LeaderEpoch != partition.LeaderEpoch
                     select $"{topic.Name}-{partition.Partition} -> {(partition.HasLeader ? partition.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")} (epoch {partition.LeaderEpoch}, ISR {string.Join(",", partition.Isr)})").ToList();
        Interlocked.Add(ref _leaderChanges, moved.Count);
        if (moved.Count > 0)
        {
            // One line per image, however many partitions moved (a fenced broker can lead thousands).
            const int Shown = 10;
            _logger.LogInformation("Cluster: {Count} partition leader change(s): {Changes}{More}", moved.Count, string.Join("; ", moved.Take(Shown)), moved.Count > Shown ? $"; and {moved.Count - Shown} more" : "");
        }
    }

    /// <summary>ISR changes this broker's leaders asked for and the controller made.</summary>
    public long IsrChangesMade => _replicas.IsrChangesMade;

    /// <summary>ISR changes this broker's leaders asked for that were refused or not answered.</summary>
    public long IsrChangesRefused => _replicas.IsrChangesRefused;

    /// <summary>Partition leader changes this broker has applied since it started (the fastlog_partition_leader_changes_total counter).</summary>
    public long LeaderChanges => Interlocked.Read(ref _leaderChanges);

    private static TopicDescription Describe(TopicImage topic) => new(topic.Name, topic.TopicId, topic.Partitions.Count, topic.Configs);

    /// <summary>
    /// The controller's standing work, while this node leads the quorum: bring the image in line
    /// with gossip (register, unfence, fence, elect), on every membership or leadership change and
    /// once a second in case a decision failed.
    /// </summary>
    private async Task ControlAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                tick.CancelAfter(ControlInterval);
                try
                {
                    await _controlSignals.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                {
                    // The interval passed without a signal: reconcile anyway.
                }

                if (IsController)
                {
                    var members = _gossip.View.Members.Select(m => new MemberStatus(
                        m.NodeId, m.Incarnation, m.KafkaHost, m.KafkaPort, m.GossipEndPoint.ToString(), m.Rack,
                        Alive: m.State == MemberState.Alive, Gone: m.State is MemberState.Dead or MemberState.Left)).ToList();
                    await DecideAsync(image => ControllerLogic.ReconcileMembership(image, members, UncleanLeaderElectionAllowed)).ConfigureAwait(false);
                    await DecideAsync(CreateOffsetsTopicWhenReady).ConfigureAwait(false);
                }
            }
            catch (ControllerException e) when (e.Error == ControllerError.NotController)
            {
                // Leadership moved on; the new controller reconciles.
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Controller: reconciling membership failed; retrying in {Seconds} s", ControlInterval.TotalSeconds);
            }
        }
    }

    /// <summary>The topic's unclean.leader.election.enable, else the broker default (server.properties), else Kafka's false.</summary>
    private bool UncleanLeaderElectionAllowed(TopicImage topic) =>
        (topic.Configs.GetValueOrDefault(TopicConfigCatalog.UncleanLeaderElectionEnable)
            ?? _options.TopicDefaults.GetValueOrDefault(TopicConfigCatalog.UncleanLeaderElectionEnable)) == "true";

    /// <summary>
    /// __consumer_offsets, once enough brokers are live to give it offsets.topic.replication.factor
    /// replicas (or every voter, in a smaller cluster): created early, with the first broker alone,
    /// it would put every group on that broker. Its 50 partitions are Kafka's; each partition's
    /// leader coordinates the groups that hash to it.
    /// </summary>
    private IReadOnlyList<MetadataRecord> CreateOffsetsTopicWhenReady(MetadataImage image)
    {
        var live = image.LiveBrokers.Count();
        var replicationFactor = Math.Min(_options.OffsetsTopicReplicationFactor, _options.QuorumVoters.Count);
        if (image.TopicsByName.ContainsKey(GroupPlacement.OffsetsTopic) || live < replicationFactor)
        {
            return [];
        }

        // Kafka's configs for it: compacted (the latest commit per group and partition is what counts), 100 MiB segments.
        var configs = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            [TopicConfigCatalog.CleanupPolicy] = "compact",
            [TopicConfigCatalog.SegmentBytes] = "104857600",
        });
        return ControllerLogic.CreateTopic(image, new TopicCreation(GroupPlacement.OffsetsTopic, GroupPlacement.OffsetsPartitions, replicationFactor, configs), Guid.NewGuid());
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_following, _controlling).ConfigureAwait(false);
        await _replicas.DisposeAsync().ConfigureAwait(false);
        _toController?.Dispose();
        _stopping.Dispose();
        _forwardGate.Dispose();
    }
}
