using FastLog.Broker.Partitions;
using FastLog.Core;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>
/// One classic consumer group: Kafka's group state machine (Empty, PreparingRebalance,
/// CompletingRebalance, Stable, Dead), its members and generations, and its committed offsets.
/// It lives on its owner shard (<see cref="GroupPlacement"/>): every request for the group is
/// forwarded there, and its timers (session, rebalance, sync, initial delay) are that shard's
/// timers, so nothing here is synchronized. Delayed JoinGroup/SyncGroup responses are
/// TaskCompletionSources on the members, completed when the rebalance gets that far.
/// <paramref name="store"/> appends the group's membership (<see cref="ToRecord"/>) to its offsets-log
/// partition: a settled generation is stored before its members get their assignments, so the
/// coordinator that takes the group over next (<see cref="Restore"/>) goes on with it.
/// </summary>
internal sealed partial class ConsumerGroup(string groupId, int offsetsPartition, GroupSettings settings, ILogger logger, Func<ConsumerGroup, ValueTask<ErrorCode>> store)
{
    /// <summary>How long a new member's JoinGroup may wait without heartbeats (Kafka's 5 minutes).</summary>
    private static readonly TimeSpan NewMemberJoinTimeout = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);

    /// <summary>group.instance.id -> member id of the static member that currently holds it.</summary>
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join, with their expiry timers.</summary>
    private readonly Dictionary<string, ShardTimer> _pendingMembers = new(StringComparer.Ordinal);

    /// <summary>Members of the current generation that have not sent SyncGroup yet.</summary>
    private readonly HashSet<string> _pendingSync = new(StringComparer.Ordinal);

    public string GroupId { get; } = groupId;

    /// <summary>The partition of the offsets log holding this group's offsets.</summary>
    public int OffsetsPartition { get; } = offsetsPartition;

    public GroupState State { get; private set; } = GroupState.Empty;

    /// <summary>
    /// When the group entered its current state (Unix ms); null until its first transition (a group
    /// only committing offsets, or one loaded from the offsets log), whose offsets then expire
    /// counting from their commit timestamps, as in Kafka.
    /// </summary>
    public long? StateChangedMs { get; private set; }

    public int GenerationId { get; private set; }

    public string? ProtocolType { get; private set; }

    public string? ProtocolName { get; private set; }

    public string? LeaderId { get; private set; }

    public int MemberCount => _members.Count;

    public Dictionary<TopicPartition, CommittedOffset> Offsets { get; } = [];

    /// <summary>Nothing to keep: no members (joined or about to), no offsets.</summary>
    public bool IsDisposable => State is GroupState.Empty or GroupState.Dead && _members.Count == 0 && _pendingMembers.Count == 0 && Offsets.Count == 0;

    public static JoinGroupResponse JoinError(string memberId, ErrorCode error) => new() { ErrorCode = error, MemberId = memberId };

    public DescribeGroupsResponse.DescribedGroup Describe()
    {
        var stable = State == GroupState.Stable;
        return new DescribeGroupsResponse.DescribedGroup
        {
            GroupId = GroupId,
            GroupState = State.ToString(),
            ProtocolType = ProtocolType ?? "",
            // Kafka shows the protocol, member metadata and assignments only once they are settled.
            ProtocolData = stable ? ProtocolName ?? "" : "",
            Members = _members.Values.Select(m => new DescribeGroupsResponse.DescribedGroupMember
            {
                MemberId = m.MemberId,
                GroupInstanceId = m.GroupInstanceId,
                ClientId = m.ClientId,
                ClientHost = m.ClientHost,
                MemberMetadata = stable ? m.MetadataFor(ProtocolName) : [],
                MemberAssignment = stable ? m.Assignment : [],
            }).ToList(),
        };
    }

    /// <summary>DeleteGroups: only an empty group can go; it becomes Dead (members of a stale view get COORDINATOR_NOT_AVAILABLE).</summary>
    public ErrorCode MarkDeleted()
    {
        if (State == GroupState.Dead)
        {
            return ErrorCode.GroupIdNotFound;
        }

        if (State != GroupState.Empty || _pendingMembers.Count > 0)
        {
            return ErrorCode.NonEmptyGroup;
        }

        TransitionTo(GroupState.Dead);
        return ErrorCode.None;
    }

    /// <summary>The topics the members subscribe to (consumer protocol), or null when any member's subscription is unreadable.</summary>
    public HashSet<string>? SubscribedTopics()
    {
        if (ProtocolType != ConsumerProtocolSubscription.ProtocolType)
        {
            return null;
        }

        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members.Values)
        {
            if (!ConsumerProtocolSubscription.TryReadTopics(member.MetadataFor(ProtocolName), topics))
            {
                return null;
            }
        }

        return topics;
    }

    /// <summary>The group's membership as the offsets log stores it (Kafka's group metadata value).</summary>
    public GroupMetadataRecord.Value ToRecord() => new(
        ProtocolType ?? "",
        GenerationId,
        ProtocolName,
        LeaderId,
        StateChangedMs ?? settings.UnixTimeMs(),
        _members.Values.Select(m => new GroupMetadataRecord.Member(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs, m.SessionTimeoutMs, m.MetadataFor(ProtocolName), m.Assignment)).ToList());

    /// <summary>
    /// Takes over the membership the offsets log stored (a loaded group, on this shard): the same
    /// generation, leader, members and assignments, Stable (Empty without members), each member's
    /// session starting now, as Kafka's coordinator does when it loads a group; members that do not
    /// heartbeat in time are expired and the rest rebalance.
    /// </summary>
    public void Restore(GroupMetadataRecord.Value stored)
    {
        ProtocolType = stored.ProtocolType.Length > 0 ? stored.ProtocolType : null;
        GenerationId = stored.Generation;
        ProtocolName = stored.Protocol;
        LeaderId = stored.Leader;
        State = stored.Members.Count > 0 ? GroupState.Stable : GroupState.Empty;
        StateChangedMs = stored.CurrentStateTimestamp >= 0 ? stored.CurrentStateTimestamp : null;
        foreach (var saved in stored.Members)
        {
            var member = new GroupMember(saved.MemberId, saved.GroupInstanceId, saved.ClientId, saved.ClientHost)
            {
                SessionTimeoutMs = saved.SessionTimeoutMs,
                RebalanceTimeoutMs = saved.RebalanceTimeoutMs,
                Protocols = stored.Protocol is { } protocol ? [new JoinGroupRequest.JoinGroupRequestProtocol { Name = protocol, Metadata = saved.Subscription }] : [],
                Assignment = saved.Assignment,
            };
            _members[member.MemberId] = member;
            if (member.GroupInstanceId is { } instanceId)
            {
                _staticMembers[instanceId] = member.MemberId;
            }

            ScheduleSession(member, TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
        }
    }

    private bool IsLeader(GroupMember member) => member.MemberId == LeaderId;

    private bool IsStaticMemberFenced(string? groupInstanceId, string memberId) =>
        groupInstanceId is not null && _staticMembers.TryGetValue(groupInstanceId, out var holder) && holder != memberId;

    private void TransitionTo(GroupState state)
    {
        logger.LogDebug("Group {Group}: {From} -> {To} (generation {Generation})", LogText.Sanitize(GroupId), State, state, GenerationId);
        State = state;
        StateChangedMs = settings.UnixTimeMs();
    }
}
