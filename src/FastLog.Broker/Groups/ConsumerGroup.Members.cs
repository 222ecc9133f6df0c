using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>SyncGroup, Heartbeat, LeaveGroup and the membership check of OffsetCommit.</summary>
internal sealed partial class ConsumerGroup
{
    public Task<SyncGroupResponse> Sync(SyncGroupRequest request)
    {
        var error = CheckMember(request.GroupInstanceId, request.MemberId, request.GenerationId, out var member);
        if (error == ErrorCode.None
            && ((request.ProtocolType is { } type && type != ProtocolType) || (request.ProtocolName is { } name && name != ProtocolName)))
        {
            error = ErrorCode.InconsistentGroupProtocol;
        }

        if (error != ErrorCode.None)
        {
            return Task.FromResult(new SyncGroupResponse { ErrorCode = error });
        }

        switch (State)
        {
            case GroupState.PreparingRebalance:
                return Task.FromResult(new SyncGroupResponse { ErrorCode = ErrorCode.RebalanceInProgress });
            case GroupState.CompletingRebalance:
                var synced = member!.AwaitSync();
                _pendingSync.Remove(member.MemberId);
                if (IsLeader(member))
                {
                    _ = SetAndPropagateAssignmentAsync(request.Assignments);
                }

                return synced;
            case GroupState.Stable:
                _pendingSync.Remove(member!.MemberId);
                ScheduleSession(member, TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
                return Task.FromResult(SyncResponse(member));
            default:
                return Task.FromResult(new SyncGroupResponse { ErrorCode = ErrorCode.UnknownMemberId });
        }
    }

    public ErrorCode Heartbeat(HeartbeatRequest request)
    {
        var error = CheckMember(request.GroupInstanceId, request.MemberId, request.GenerationId, out var member);
        if (error != ErrorCode.None)
        {
            return error;
        }

        if (State == GroupState.Empty)
        {
            return ErrorCode.UnknownMemberId;
        }

        ScheduleSession(member!, TimeSpan.FromMilliseconds(member!.SessionTimeoutMs));
        return State == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }

    /// <summary>One member leaving (LeaveGroup v3+ sends several; a static member may be named by instance id alone).</summary>
    public ErrorCode Leave(string memberId, string? groupInstanceId)
    {
        if (State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (memberId.Length == 0 && groupInstanceId is not null)
        {
            if (!_staticMembers.TryGetValue(groupInstanceId, out var holder))
            {
                return ErrorCode.UnknownMemberId;
            }

            memberId = holder;
        }
        else if (_pendingMembers.Remove(memberId, out var pendingTimer))
        {
            pendingTimer.Cancel();
            TryCompleteJoin();
            return ErrorCode.None;
        }
        else if (IsStaticMemberFenced(groupInstanceId, memberId))
        {
            return ErrorCode.FencedInstanceId;
        }

        if (!_members.TryGetValue(memberId, out var member))
        {
            return ErrorCode.UnknownMemberId;
        }

        RemoveMemberAndUpdateGroup(member);
        return ErrorCode.None;
    }

    /// <summary>
    /// Whether an OffsetCommit may write: any commit with generation -1 to an empty group (a group
    /// using Kafka only to store offsets), otherwise only a member of the current generation, and
    /// not while the generation's assignment is being distributed.
    /// </summary>
    public ErrorCode CheckCommit(string? groupInstanceId, string memberId, int generationId)
    {
        if (State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (generationId < 0 && State == GroupState.Empty)
        {
            return IsStaticMemberFenced(groupInstanceId, memberId) ? ErrorCode.FencedInstanceId : ErrorCode.None;
        }

        var error = CheckMember(groupInstanceId, memberId, generationId, out var member);
        if (error != ErrorCode.None)
        {
            return error;
        }

        switch (State)
        {
            case GroupState.Stable or GroupState.PreparingRebalance:
                ScheduleSession(member!, TimeSpan.FromMilliseconds(member!.SessionTimeoutMs));
                return ErrorCode.None;
            case GroupState.CompletingRebalance:
                return ErrorCode.RebalanceInProgress;
            default:
                return ErrorCode.UnknownMemberId;
        }
    }

    /// <summary>The checks SyncGroup, Heartbeat and OffsetCommit share, in Kafka's order.</summary>
    private ErrorCode CheckMember(string? groupInstanceId, string memberId, int generationId, out GroupMember? member)
    {
        member = null;
        if (State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (IsStaticMemberFenced(groupInstanceId, memberId))
        {
            return ErrorCode.FencedInstanceId;
        }

        if (!_members.TryGetValue(memberId, out member))
        {
            return ErrorCode.UnknownMemberId;
        }

        return generationId != GenerationId ? ErrorCode.IllegalGeneration : ErrorCode.None;
    }

    /// <summary>
    /// The leader's assignment becomes the generation's: it is stored in the offsets log first (as
    /// Kafka does), then the group is stable and every waiting SyncGroup gets its part. If the store
    /// fails the members get its error (they rejoin); if the generation moved on meanwhile, nothing.
    /// </summary>
    private async Task SetAndPropagateAssignmentAsync(List<SyncGroupRequest.SyncGroupRequestAssignment> assignments)
    {
        var byMember = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            byMember[assignment.MemberId] = assignment.Assignment;
        }

        foreach (var member in _members.Values)
        {
            member.Assignment = byMember.GetValueOrDefault(member.MemberId, []);
        }

        var generation = GenerationId;
        var stored = await store(this);
        if (generation != GenerationId || State != GroupState.CompletingRebalance)
        {
            return;
        }

        if (stored != ErrorCode.None)
        {
            logger.LogInformation("Group {Group}: generation {Generation} not stored ({Error}); its members rejoin", LogText.Sanitize(GroupId), generation, stored);
        }
        else
        {
            TransitionTo(GroupState.Stable);
        }

        foreach (var member in _members.Values)
        {
            if (stored != ErrorCode.None)
            {
                member.Assignment = [];
            }

            if (member.IsAwaitingSync)
            {
                member.CompleteSync(stored == ErrorCode.None ? SyncResponse(member) : new SyncGroupResponse { ErrorCode = stored });
                ScheduleSession(member, TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
            }
        }
    }

    private SyncGroupResponse SyncResponse(GroupMember member) => new()
    {
        ProtocolType = ProtocolType,
        ProtocolName = ProtocolName,
        Assignment = member.Assignment,
    };
}
