using FastLog.Protocol;
using FastLog.Records;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>
/// The groups one shard coordinates and the offsets-log partitions it owns. Every method runs on
/// that shard's thread (requests arrive through <see cref="GroupCoordinator"/>), so nothing is
/// synchronized. <paramref name="replicated"/>: in a cluster, where the offsets-log partitions are
/// the __consumer_offsets replicas this broker leads (<see cref="LeadAsync"/>, <see cref="Resign"/>)
/// rather than logs of its own.
/// </summary>
public sealed partial class GroupShard(GroupSettings settings, string dataDirectory, ILogger logger, bool replicated = false)
{
    private readonly Dictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);

    public Task<JoinGroupResponse> Join(JoinGroupRequest request, string clientId, string clientHost, short version)
    {
        if (request.GroupId.Length == 0)
        {
            return Task.FromResult(ConsumerGroup.JoinError(request.MemberId, ErrorCode.InvalidGroupId));
        }

        if (request.SessionTimeoutMs < settings.MinSessionTimeoutMs || request.SessionTimeoutMs > settings.MaxSessionTimeoutMs)
        {
            return Task.FromResult(ConsumerGroup.JoinError(request.MemberId, ErrorCode.InvalidSessionTimeout));
        }

        var group = _groups.GetValueOrDefault(request.GroupId);
        if (group is null && request.MemberId.Length > 0)
        {
            // A member of a group this coordinator does not know (it restarted): join afresh.
            return Task.FromResult(ConsumerGroup.JoinError(request.MemberId, ErrorCode.UnknownMemberId));
        }

        return (group ?? GetOrCreate(request.GroupId)).Join(request, clientId, clientHost, version);
    }

    public Task<SyncGroupResponse> Sync(SyncGroupRequest request) =>
        _groups.TryGetValue(request.GroupId, out var group)
            ? group.Sync(request)
            : Task.FromResult(new SyncGroupResponse { ErrorCode = ErrorCode.UnknownMemberId });

    public ErrorCode Heartbeat(HeartbeatRequest request) =>
        _groups.TryGetValue(request.GroupId, out var group) ? group.Heartbeat(request) : ErrorCode.UnknownMemberId;

    /// <summary>LeaveGroup: v0-2 name one member (the error is top-level), v3+ a batch (an error per member).</summary>
    public LeaveGroupResponse Leave(LeaveGroupRequest request, short version)
    {
        var leaving = version >= 3
            ? request.Members
            : [new LeaveGroupRequest.MemberIdentity { MemberId = request.MemberId }];
        var group = _groups.GetValueOrDefault(request.GroupId);
        if (group?.State == GroupState.Dead)
        {
            return new LeaveGroupResponse { ErrorCode = ErrorCode.CoordinatorNotAvailable };
        }

        var response = new LeaveGroupResponse();
        foreach (var member in leaving)
        {
            var error = group?.Leave(member.MemberId, member.GroupInstanceId) ?? ErrorCode.UnknownMemberId;
            response.Members.Add(new LeaveGroupResponse.MemberResponse { MemberId = member.MemberId, GroupInstanceId = member.GroupInstanceId, ErrorCode = error });
        }

        if (version < 3)
        {
            response.ErrorCode = response.Members[0].ErrorCode;
        }

        return response;
    }

    public DescribeGroupsResponse.DescribedGroup Describe(string groupId) =>
        _groups.TryGetValue(groupId, out var group)
            ? group.Describe()
            : new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, GroupState = nameof(GroupState.Dead) };

    /// <summary>The groups here whose state is in <paramref name="states"/> (empty: all), Kafka's state names compared case-insensitively.</summary>
    public List<ListGroupsResponse.ListedGroup> List(List<string> states) =>
        _groups.Values
            .Where(g => g.State != GroupState.Dead)
            .Where(g => states.Count == 0 || states.Exists(s => string.Equals(s, g.State.ToString(), StringComparison.OrdinalIgnoreCase)))
            .Select(g => new ListGroupsResponse.ListedGroup { GroupId = g.GroupId, ProtocolType = g.ProtocolType ?? "", GroupState = g.State.ToString() })
            .ToList();

    /// <summary>DeleteGroups: an empty group and its offsets go (tombstones in the offsets log, durable before the answer).</summary>
    public async ValueTask<ErrorCode> DeleteAsync(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return ErrorCode.GroupIdNotFound;
        }

        var error = group.MarkDeleted();
        if (error != ErrorCode.None)
        {
            return error;
        }

        _groups.Remove(groupId);
        var tombstones = group.Offsets.Keys.Select(p => new KeyValueRecord(OffsetCommitRecord.EncodeKey(groupId, p), null)).ToList();
        tombstones.Add(new KeyValueRecord(GroupMetadataRecord.EncodeKey(groupId), null));
        return await AppendAsync(group.OffsetsPartition, tombstones, static () => { });
    }

    /// <summary>Appends <paramref name="group"/>'s membership to its offsets-log partition (durable, and held by the ISR in a cluster, before it completes).</summary>
    private ValueTask<ErrorCode> StoreAsync(ConsumerGroup group) =>
        AppendAsync(group.OffsetsPartition, [new KeyValueRecord(GroupMetadataRecord.EncodeKey(group.GroupId), GroupMetadataRecord.EncodeValue(group.ToRecord()))], static () => { });

    private ConsumerGroup GetOrCreate(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            group = new ConsumerGroup(groupId, GroupPlacement.PartitionFor(groupId), settings, logger, StoreAsync);
            _groups[groupId] = group;
        }

        return group;
    }
}
