using FastLog.Protocol;

namespace FastLog.Broker.Groups;

/// <summary>JoinGroup: new, pending, known and static members (Kafka's GroupCoordinator.handleJoinGroup).</summary>
internal sealed partial class ConsumerGroup
{
    /// <summary>
    /// Handles a JoinGroup whose session timeout was already checked. The task completes when the
    /// member's part of the rebalance is decided: at once for errors, MEMBER_ID_REQUIRED, or a
    /// rejoin that changes nothing; when the next generation forms otherwise.
    /// </summary>
    public Task<JoinGroupResponse> Join(JoinGroupRequest request, string clientId, string clientHost, short version)
    {
        if (State == GroupState.Dead)
        {
            return Task.FromResult(JoinError(request.MemberId, ErrorCode.CoordinatorNotAvailable));
        }

        if (!AcceptsJoiningMember(request.MemberId))
        {
            RemoveOverCapacity(request.MemberId);
            return Task.FromResult(JoinError("", ErrorCode.GroupMaxSizeReached));
        }

        if (!SupportsProtocols(request.ProtocolType, request.Protocols))
        {
            return Task.FromResult(JoinError(request.MemberId, ErrorCode.InconsistentGroupProtocol));
        }

        var response = request.MemberId.Length == 0
            ? JoinNewMember(request, clientId, clientHost, version)
            : JoinKnownMember(request, clientId, clientHost);
        TryCompleteJoin();
        return response;
    }

    /// <summary>
    /// group.max.size, checked as Kafka's acceptJoiningMember does: an empty group takes anyone; while
    /// preparing a rebalance, members already rejoined are kept and others come in while fewer than
    /// the limit have rejoined (so when the group is over the limit, the last to rejoin are left
    /// out); otherwise members are kept and newcomers come in below the limit.
    /// </summary>
    private bool AcceptsJoiningMember(string memberId) => State switch
    {
        GroupState.Empty or GroupState.Dead => true,
        GroupState.PreparingRebalance => (_members.TryGetValue(memberId, out var member) && member.IsAwaitingJoin)
            || _members.Values.Count(m => m.IsAwaitingJoin) < settings.MaxSize,
        _ => _members.ContainsKey(memberId) || _members.Count < settings.MaxSize,
    };

    /// <summary>
    /// A member refused for group.max.size is out of the group, as in Kafka. A refused member id that
    /// MEMBER_ID_REQUIRED handed out is dropped too (Kafka keeps it until it expires): the rebalance
    /// need not wait for a member that cannot join.
    /// </summary>
    private void RemoveOverCapacity(string memberId)
    {
        if (_members.TryGetValue(memberId, out var member))
        {
            RemoveMemberAndUpdateGroup(member);
        }
        else if (_pendingMembers.Remove(memberId, out var pendingTimer))
        {
            pendingTimer.Cancel();
            TryCompleteJoin();
        }
    }

    private Task<JoinGroupResponse> JoinNewMember(JoinGroupRequest request, string clientId, string clientHost, short version)
    {
        if (request.GroupInstanceId is { } instanceId)
        {
            var staticMemberId = $"{instanceId}-{Guid.NewGuid()}";
            return _staticMembers.TryGetValue(instanceId, out var previousId)
                ? ReplaceStaticMember(_members[previousId], staticMemberId, request, clientId, clientHost)
                : AddMemberAndRebalance(staticMemberId, request, clientId, clientHost);
        }

        var memberId = $"{clientId}-{Guid.NewGuid()}";
        if (version >= 4)
        {
            // KIP-394: hand out the id first, so a client that times out and retries reuses it
            // instead of leaving a ghost member behind that the rebalance would wait for.
            _pendingMembers[memberId] = Shard().ScheduleTimer(TimeSpan.FromMilliseconds(request.SessionTimeoutMs), static s =>
            {
                var (group, id) = ((ConsumerGroup, string))s!;
                group.ExpirePendingMember(id);
            }, (this, memberId));
            return Task.FromResult(JoinError(memberId, ErrorCode.MemberIdRequired));
        }

        return AddMemberAndRebalance(memberId, request, clientId, clientHost);
    }

    private Task<JoinGroupResponse> JoinKnownMember(JoinGroupRequest request, string clientId, string clientHost)
    {
        var memberId = request.MemberId;
        if (_pendingMembers.Remove(memberId, out var pendingTimer))
        {
            pendingTimer.Cancel();
            return AddMemberAndRebalance(memberId, request, clientId, clientHost);
        }

        if (IsStaticMemberFenced(request.GroupInstanceId, memberId))
        {
            return Task.FromResult(JoinError(memberId, ErrorCode.FencedInstanceId));
        }

        if (!_members.TryGetValue(memberId, out var member) || (request.GroupInstanceId is { } id && !_staticMembers.ContainsKey(id)))
        {
            return Task.FromResult(JoinError(memberId, ErrorCode.UnknownMemberId));
        }

        switch (State)
        {
            case GroupState.PreparingRebalance:
                return UpdateMemberAndRebalance(member, request);
            case GroupState.CompletingRebalance when member.Matches(request.Protocols):
                // It missed the JoinGroup response of this generation: send it again.
                return Task.FromResult(CurrentGenerationResponse(member, IsLeader(member)));
            case GroupState.Stable when !IsLeader(member) && member.Matches(request.Protocols):
                return Task.FromResult(CurrentGenerationResponse(member, includeMembers: false));
            case GroupState.CompletingRebalance or GroupState.Stable:
                // Changed metadata, or the leader asking for a new assignment (topic metadata changed).
                return UpdateMemberAndRebalance(member, request);
            default:
                return Task.FromResult(JoinError(memberId, ErrorCode.UnknownMemberId));
        }
    }

    private Task<JoinGroupResponse> AddMemberAndRebalance(string memberId, JoinGroupRequest request, string clientId, string clientHost)
    {
        var member = new GroupMember(memberId, request.GroupInstanceId, clientId, clientHost) { IsNew = true };
        Update(member, request);
        if (_members.Count == 0)
        {
            ProtocolType = request.ProtocolType;
        }

        _members[memberId] = member;
        if (member.GroupInstanceId is { } instanceId)
        {
            _staticMembers[instanceId] = memberId;
        }

        LeaderId ??= memberId;
        if (State == GroupState.PreparingRebalance && GenerationId == 0)
        {
            _newMemberAdded = true;
        }

        var joined = member.AwaitJoin();
        // It cannot heartbeat before it has an id and a generation, so its session is the long new-member timeout.
        ScheduleSession(member, NewMemberJoinTimeout);
        MaybePrepareRebalance();
        return joined;
    }

    private Task<JoinGroupResponse> UpdateMemberAndRebalance(GroupMember member, JoinGroupRequest request)
    {
        Update(member, request);
        var joined = member.AwaitJoin();
        MaybePrepareRebalance();
        return joined;
    }

    /// <summary>
    /// A static member restarted (same group.instance.id, new member id): the new incarnation takes
    /// the old one's place and the old one is fenced. In a stable group with an unchanged protocol
    /// there is no rebalance: it gets the current generation (with the old leader named, so it does
    /// not try to assign) and then its old assignment from SyncGroup.
    /// </summary>
    private Task<JoinGroupResponse> ReplaceStaticMember(GroupMember member, string newMemberId, JoinGroupRequest request, string clientId, string clientHost)
    {
        var oldMemberId = member.MemberId;
        var currentLeader = LeaderId;
        member.CompleteJoin(JoinError(oldMemberId, ErrorCode.FencedInstanceId));
        member.CompleteSync(new SyncGroupResponse { ErrorCode = ErrorCode.FencedInstanceId });
        _members.Remove(oldMemberId);
        member.MemberId = newMemberId;
        member.ClientId = clientId;
        member.ClientHost = clientHost;
        _members[newMemberId] = member;
        _staticMembers[member.GroupInstanceId!] = newMemberId;
        if (LeaderId == oldMemberId)
        {
            LeaderId = newMemberId;
        }

        if (_pendingSync.Remove(oldMemberId))
        {
            _pendingSync.Add(newMemberId);
        }

        Update(member, request);
        ScheduleSession(member, TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
        if (State == GroupState.Stable && ProtocolName == SelectProtocol())
        {
            return Task.FromResult(new JoinGroupResponse
            {
                GenerationId = GenerationId,
                ProtocolType = ProtocolType,
                ProtocolName = ProtocolName,
                Leader = currentLeader ?? "",
                MemberId = newMemberId,
            });
        }

        var joined = member.AwaitJoin();
        MaybePrepareRebalance();
        return joined;
    }

    private static void Update(GroupMember member, JoinGroupRequest request)
    {
        member.Protocols = request.Protocols;
        member.SessionTimeoutMs = request.SessionTimeoutMs;
        // v0 has no rebalance timeout: Kafka uses the session timeout.
        member.RebalanceTimeoutMs = request.RebalanceTimeoutMs > 0 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs;
    }

    /// <summary>A joining member must share the group's protocol type and at least one protocol every member supports.</summary>
    private bool SupportsProtocols(string protocolType, List<JoinGroupRequest.JoinGroupRequestProtocol> protocols)
    {
        if (_members.Count == 0)
        {
            return protocolType.Length > 0 && protocols.Count > 0;
        }

        return protocolType == ProtocolType && protocols.Exists(p => _members.Values.All(m => m.Supports(p.Name)));
    }

    private JoinGroupResponse CurrentGenerationResponse(GroupMember member, bool includeMembers) => new()
    {
        GenerationId = GenerationId,
        ProtocolType = ProtocolType,
        ProtocolName = ProtocolName,
        Leader = LeaderId ?? "",
        MemberId = member.MemberId,
        Members = includeMembers
            ? _members.Values.Select(m => new JoinGroupResponse.JoinGroupResponseMember
            {
                MemberId = m.MemberId,
                GroupInstanceId = m.GroupInstanceId,
                Metadata = m.MetadataFor(ProtocolName),
            }).ToList()
            : [],
    };

    /// <summary>
    /// The protocol of the next generation: among the protocols every member supports, each member
    /// votes for its most preferred one and the most votes win (Kafka's rule); ties go to the
    /// leader's preference order, so the choice is deterministic.
    /// </summary>
    private string SelectProtocol()
    {
        var leader = _members[LeaderId!];
        var candidates = leader.Protocols.Select(p => p.Name).Where(name => _members.Values.All(m => m.Supports(name))).ToList();
        var votes = candidates.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        foreach (var member in _members.Values)
        {
            var vote = member.Protocols.First(p => votes.ContainsKey(p.Name)).Name;
            votes[vote]++;
        }

        return candidates.MaxBy(c => votes[c])!;
    }
}
