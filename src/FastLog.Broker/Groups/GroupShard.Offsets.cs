using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Core;
using FastLog.Protocol;
using FastLog.Records;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>
/// Committed offsets: OffsetCommit (durable in the offsets log before it is answered, then in
/// memory), OffsetFetch and OffsetDelete from memory, replay at startup, and the periodic cleanup
/// that expires empty groups' offsets (the offsets log's own cleaner compacts it).
/// </summary>
public sealed partial class GroupShard
{
    private readonly Dictionary<int, Task<OffsetsLog>> _logs = [];
    private ShardTimer _cleanupTimer;
    private bool _closed;

    public async ValueTask<OffsetCommitResponse> CommitAsync(OffsetCommitRequest request, TopicRegistry topics)
    {
        var groupId = request.GroupId;
        var group = _groups.GetValueOrDefault(groupId);
        var groupError = groupId.Length == 0 ? ErrorCode.InvalidGroupId
            : group is not null ? group.CheckCommit(request.GroupInstanceId, request.MemberId, request.GenerationIdOrMemberEpoch)
            // Unknown group: a group using Kafka only to store offsets may commit (generation -1); a member of a lost generation may not.
            : request.GenerationIdOrMemberEpoch < 0 ? ErrorCode.None : ErrorCode.IllegalGeneration;

        var now = settings.UnixTimeMs();
        var response = new OffsetCommitResponse();
        var records = new List<KeyValueRecord>();
        var committed = new List<(TopicPartition Partition, CommittedOffset Offset)>();
        foreach (var topic in request.Topics)
        {
            var topicResult = new TopicData<PartitionError> { Name = topic.Name };
            response.Topics.Add(topicResult);
            var exists = topics.Find(topic.Name) is not null;
            foreach (var partition in topic.Partitions)
            {
                var error = groupError != ErrorCode.None ? groupError
                    : !exists ? ErrorCode.UnknownTopicOrPartition
                    : partition.CommittedMetadata?.Length > settings.MaxMetadataLength ? ErrorCode.OffsetMetadataTooLarge
                    : ErrorCode.None;
                topicResult.Partitions.Add(new PartitionError { PartitionIndex = partition.PartitionIndex, ErrorCode = error });
                if (error == ErrorCode.None)
                {
                    var tp = new TopicPartition(topic.Name, partition.PartitionIndex);
                    var offset = new CommittedOffset(partition.CommittedOffset, partition.CommittedLeaderEpoch, partition.CommittedMetadata,
                        partition.CommitTimestamp >= 0 ? partition.CommitTimestamp : now);
                    records.Add(new KeyValueRecord(OffsetCommitRecord.EncodeKey(groupId, tp), OffsetCommitRecord.EncodeValue(offset)));
                    committed.Add((tp, offset));
                }
            }
        }

        if (records.Count == 0)
        {
            return response;
        }

        var failure = await AppendAsync(GroupPlacement.PartitionFor(groupId), records, () =>
        {
            // The group may have been deleted meanwhile: the log now holds these offsets, so memory must too.
            var offsets = GetOrCreate(groupId).Offsets;
            foreach (var (tp, offset) in committed)
            {
                offsets[tp] = offset;
            }
        });
        if (failure != ErrorCode.None)
        {
            foreach (var partition in response.Topics.SelectMany(t => t.Partitions).Where(p => p.ErrorCode == ErrorCode.None))
            {
                partition.ErrorCode = failure;
            }
        }

        return response;
    }

    /// <summary>OffsetFetch of one group: the requested partitions (null: every committed one); uncommitted ones are offset -1.</summary>
    public OffsetFetchResponse.OffsetFetchResponseGroup Fetch(string groupId, List<TopicPartitionIndexes>? topics)
    {
        var offsets = _groups.GetValueOrDefault(groupId)?.Offsets ?? [];
        var result = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = groupId };
        var requested = topics?.SelectMany(t => t.PartitionIndexes.Select(p => new TopicPartition(t.Name, p)))
            ?? offsets.Keys.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition);
        foreach (var tp in requested)
        {
            if (result.Topics.Count == 0 || result.Topics[^1].Name != tp.Topic)
            {
                result.Topics.Add(new TopicData<OffsetFetchResponse.OffsetFetchResponsePartition> { Name = tp.Topic });
            }

            var found = offsets.TryGetValue(tp, out var offset);
            result.Topics[^1].Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartition
            {
                PartitionIndex = tp.Partition,
                CommittedOffset = found ? offset.Offset : -1,
                CommittedLeaderEpoch = found ? offset.LeaderEpoch : -1,
                Metadata = found ? offset.Metadata : "",
            });
        }

        return result;
    }

    /// <summary>OffsetDelete: removes offsets of an empty group, or of topics a consumer group no longer subscribes to.</summary>
    public async ValueTask<OffsetDeleteResponse> DeleteOffsetsAsync(OffsetDeleteRequest request)
    {
        var groupId = request.GroupId;
        if (!_groups.TryGetValue(groupId, out var group) || group.State == GroupState.Dead)
        {
            return new OffsetDeleteResponse { ErrorCode = ErrorCode.GroupIdNotFound };
        }

        var subscribed = group.State == GroupState.Empty ? [] : group.SubscribedTopics();
        if (subscribed is null)
        {
            return new OffsetDeleteResponse { ErrorCode = ErrorCode.NonEmptyGroup };
        }

        var response = new OffsetDeleteResponse();
        var deleted = new List<(TopicPartition, CommittedOffset)>();
        foreach (var topic in request.Topics)
        {
            var topicResult = new TopicData<PartitionError> { Name = topic.Name };
            response.Topics.Add(topicResult);
            foreach (var partition in topic.PartitionIndexes)
            {
                var inUse = subscribed.Contains(topic.Name);
                topicResult.Partitions.Add(new PartitionError { PartitionIndex = partition, ErrorCode = inUse ? ErrorCode.GroupSubscribedToTopic : ErrorCode.None });
                var tp = new TopicPartition(topic.Name, partition);
                if (!inUse && group.Offsets.TryGetValue(tp, out var offset))
                {
                    deleted.Add((tp, offset));
                }
            }
        }

        var failure = await RemoveOffsetsAsync(groupId, group.OffsetsPartition, deleted);
        if (failure != ErrorCode.None)
        {
            return new OffsetDeleteResponse { ErrorCode = failure };
        }

        return response;
    }

    /// <summary>Startup: loads an existing offsets-log partition (owned by this shard) into memory.</summary>
    public async Task LoadAsync(int partition)
    {
        var log = await LogAsync(partition);
        var memberships = new Dictionary<string, GroupMetadataRecord.Value?>(StringComparer.Ordinal);
        await log.ReplayAsync((key, value) =>
        {
            if (GroupMetadataRecord.TryDecodeKey(key.Span, out var owner))
            {
                memberships[owner] = value is { } stored ? DecodeMembership(owner, stored) : null;
                return;
            }

            if (!OffsetCommitRecord.TryDecodeKey(key.Span, out var groupId, out var tp))
            {
                return;
            }

            if (value is { } bytes)
            {
                GetOrCreate(groupId).Offsets[tp] = OffsetCommitRecord.DecodeValue(bytes.Span);
            }
            else if (_groups.TryGetValue(groupId, out var group))
            {
                group.Offsets.Remove(tp);
            }
        });

        foreach (var (groupId, membership) in memberships)
        {
            if (membership is not null)
            {
                GetOrCreate(groupId).Restore(membership);
            }
        }

        RemoveDisposableGroups();
    }

    /// <summary>A stored membership, or null (the group then loads without members, who rejoin) when it cannot be read.</summary>
    private GroupMetadataRecord.Value? DecodeMembership(string groupId, ReadOnlyMemory<byte> value)
    {
        try
        {
            return GroupMetadataRecord.DecodeValue(value.Span);
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning("Group {Group}: stored membership unreadable, its members rejoin: {Reason}", LogText.Sanitize(groupId), e.Message);
            return null;
        }
    }

    /// <summary>
    /// In a cluster, this broker now leads __consumer_offsets partition <paramref name="partition"/>
    /// (<paramref name="replica"/>): its groups and committed offsets are loaded from the replicated
    /// log, and the coordinator serves them from then on.
    /// </summary>
    public Task LeadAsync(int partition, PartitionReplica replica)
    {
        _logs[partition] = Task.FromResult(OffsetsLog.OnReplica(partition, replica));
        return LoadAsync(partition);
    }

    /// <summary>
    /// In a cluster, this broker no longer leads __consumer_offsets partition <paramref name="partition"/>:
    /// its groups leave memory, and members waiting on them are sent to look for the new coordinator.
    /// </summary>
    public void Resign(int partition)
    {
        _logs.Remove(partition);
        foreach (var group in _groups.Values.Where(g => g.OffsetsPartition == partition).ToList())
        {
            group.Shutdown();
            _groups.Remove(group.GroupId);
        }
    }

    /// <summary>Starts the periodic cleanup (expiry of empty groups' offsets) on this shard.</summary>
    public void StartCleanup()
    {
        _cleanupTimer = Shard.Current!.ScheduleTimer(settings.OffsetsRetentionCheckInterval, static s => _ = ((GroupShard)s!).CleanupAsync(), this);
    }

    public async Task CloseAsync()
    {
        _closed = true;
        _cleanupTimer.Cancel();
        foreach (var group in _groups.Values)
        {
            group.Shutdown();
        }

        foreach (var opening in _logs.Values)
        {
            try
            {
                await (await opening).CloseAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                logger.LogError(e, "Closing an offsets log failed; the next start recovers it");
            }
        }

        _logs.Clear();
    }

    /// <summary>
    /// Expires the offsets of groups that have been empty for the retention period (counting from
    /// when they became empty, or from the commit when that is unknown) with tombstones, and drops
    /// groups left with nothing.
    /// </summary>
    internal async Task CleanupAsync()
    {
        try
        {
            var now = settings.UnixTimeMs();
            var retentionMs = (long)settings.OffsetsRetention.TotalMilliseconds;
            foreach (var group in _groups.Values.Where(g => g.State == GroupState.Empty).ToList())
            {
                var expired = group.Offsets
                    .Where(o => now - (group.StateChangedMs ?? o.Value.CommitTimestamp) >= retentionMs)
                    .Select(o => (o.Key, o.Value))
                    .ToList();
                await RemoveOffsetsAsync(group.GroupId, group.OffsetsPartition, expired);
            }

            // A group left with nothing goes from the log too (its stored membership), then from memory.
            foreach (var group in _groups.Values.Where(g => g.IsDisposable && g.GenerationId > 0).ToList())
            {
                if (await AppendAsync(group.OffsetsPartition, [new KeyValueRecord(GroupMetadataRecord.EncodeKey(group.GroupId), null)], static () => { }) == ErrorCode.None
                    && group.IsDisposable && _groups.GetValueOrDefault(group.GroupId) == group)
                {
                    _groups.Remove(group.GroupId);
                }
            }

            RemoveDisposableGroups();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Offsets cleanup failed; retrying at the next interval");
        }
        finally
        {
            if (!_closed)
            {
                StartCleanup();
            }
        }
    }

    /// <summary>Tombstones <paramref name="offsets"/> of a group; each leaves memory only if no newer commit replaced it meanwhile.</summary>
    private ValueTask<ErrorCode> RemoveOffsetsAsync(string groupId, int partition, List<(TopicPartition Partition, CommittedOffset Offset)> offsets)
    {
        if (offsets.Count == 0)
        {
            return ValueTask.FromResult(ErrorCode.None);
        }

        var tombstones = offsets.Select(o => new KeyValueRecord(OffsetCommitRecord.EncodeKey(groupId, o.Partition), null)).ToList();
        return AppendAsync(partition, tombstones, () =>
        {
            if (_groups.TryGetValue(groupId, out var group))
            {
                foreach (var (tp, offset) in offsets)
                {
                    if (group.Offsets.TryGetValue(tp, out var current) && current == offset)
                    {
                        group.Offsets.Remove(tp);
                    }
                }
            }
        });
    }

    /// <summary>Appends to an offsets-log partition; the Kafka error for the client when that fails.</summary>
    private async ValueTask<ErrorCode> AppendAsync(int partition, List<KeyValueRecord> records, Action onDurable)
    {
        try
        {
            await (await LogAsync(partition)).AppendAsync(records, onDurable);
            return ErrorCode.None;
        }
        catch (InvalidRecordBatchException)
        {
            return ErrorCode.InvalidCommitOffsetSize;
        }
        catch (OffsetsAppendException e)
        {
            // Kafka's mapping of a refused offsets-topic append: leadership moved, or the ISR could not take it in time.
            return e.Error is ErrorCode.NotLeaderOrFollower or ErrorCode.NotCoordinator ? ErrorCode.NotCoordinator : ErrorCode.CoordinatorNotAvailable;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Offsets log partition {Partition}: append failed", partition);
            return ErrorCode.CoordinatorNotAvailable;
        }
    }

    /// <summary>The offsets-log partition, opened (created when new) on first use.</summary>
    private Task<OffsetsLog> LogAsync(int partition)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (replicated && !_logs.ContainsKey(partition))
        {
            // Leadership moved between the routing check and this append: never open a log of our own beside the replica.
            throw new OffsetsAppendException(ErrorCode.NotCoordinator, $"This broker does not lead {GroupPlacement.OffsetsTopic}-{partition}.");
        }

        if (!_logs.TryGetValue(partition, out var log) || log.IsFaulted)
        {
            var directory = Path.Combine(dataDirectory, $"{GroupPlacement.OffsetsTopic}-{partition}");
            log = OffsetsLog.OpenAsync(directory, partition, settings.OffsetsSegmentBytes, message => logger.LogInformation("{Offsets}-{Partition}: {Message}", GroupPlacement.OffsetsTopic, partition, message)).AsTask();
            _logs[partition] = log;
        }

        return log;
    }

    /// <summary>Drops groups left with nothing that never stored a membership (a stored one goes with a tombstone, at cleanup).</summary>
    private void RemoveDisposableGroups()
    {
        foreach (var group in _groups.Values.Where(g => g.IsDisposable && g.GenerationId == 0).ToList())
        {
            _groups.Remove(group.GroupId);
        }
    }
}
