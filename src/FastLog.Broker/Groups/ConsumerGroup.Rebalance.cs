using FastLog.Core;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Groups;

/// <summary>
/// Rebalances and member liveness: preparing (collecting joins until every member rejoined, the
/// rebalance timeout passed, or, for a group that was empty, the initial delay settled),
/// completing (new generation, protocol chosen, JoinGroup responses sent), the sync deadline, and
/// session expiry. Timers are the owner shard's; a fired timer checks it still applies.
/// </summary>
internal sealed partial class ConsumerGroup
{
    private ShardTimer _joinTimer;
    private ShardTimer _syncTimer;

    /// <summary>The first rebalance of an empty group is waiting out group.initial.rebalance.delay.ms.</summary>
    private bool _initialDelayActive;

    /// <summary>A member joined during the initial delay: wait one more delay (until the rebalance timeout is used up).</summary>
    private bool _newMemberAdded;

    private TimeSpan _initialDelayRemaining;

    /// <summary>The broker is stopping: every timer stops, and waiting members look for the coordinator again.</summary>
    public void Shutdown()
    {
        _joinTimer.Cancel();
        _syncTimer.Cancel();
        foreach (var member in _members.Values)
        {
            member.SessionTimer.Cancel();
            member.CompleteJoin(JoinError(member.MemberId, ErrorCode.NotCoordinator));
            member.CompleteSync(new SyncGroupResponse { ErrorCode = ErrorCode.NotCoordinator });
        }

        foreach (var timer in _pendingMembers.Values)
        {
            timer.Cancel();
        }
    }

    private static Shard Shard() => Core.Shard.Current ?? throw new InvalidOperationException("Groups run on their owner shard.");

    /// <summary>The longest rebalance timeout of the members: how long a rebalance waits for rejoins.</summary>
    private TimeSpan RebalanceTimeout => TimeSpan.FromMilliseconds(_members.Count == 0 ? 0 : _members.Values.Max(m => m.RebalanceTimeoutMs));

    private void MaybePrepareRebalance()
    {
        if (State is GroupState.Stable or GroupState.CompletingRebalance or GroupState.Empty)
        {
            PrepareRebalance();
        }
    }

    private void PrepareRebalance()
    {
        if (State == GroupState.CompletingRebalance)
        {
            // Members waiting for the assignment of a generation that will not be used: rejoin.
            foreach (var member in _members.Values)
            {
                member.Assignment = [];
                if (member.IsAwaitingSync)
                {
                    member.CompleteSync(new SyncGroupResponse { ErrorCode = ErrorCode.RebalanceInProgress });
                    ScheduleSession(member, TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
                }
            }
        }

        _syncTimer.Cancel();
        _pendingSync.Clear();
        var wasEmpty = State == GroupState.Empty;
        TransitionTo(GroupState.PreparingRebalance);
        _joinTimer.Cancel();
        if (wasEmpty)
        {
            _initialDelayActive = true;
            _newMemberAdded = false;
            _initialDelayRemaining = RebalanceTimeout - settings.InitialRebalanceDelay;
            _joinTimer = Shard().ScheduleTimer(settings.InitialRebalanceDelay, static g => ((ConsumerGroup)g!).OnInitialDelayElapsed(), this);
        }
        else
        {
            _joinTimer = Shard().ScheduleTimer(RebalanceTimeout, static g => ((ConsumerGroup)g!).CompleteJoin(), this);
            TryCompleteJoin();
        }
    }

    private void OnInitialDelayElapsed()
    {
        if (_newMemberAdded && _initialDelayRemaining > TimeSpan.Zero)
        {
            _newMemberAdded = false;
            var delay = settings.InitialRebalanceDelay < _initialDelayRemaining ? settings.InitialRebalanceDelay : _initialDelayRemaining;
            _initialDelayRemaining -= delay;
            _joinTimer = Shard().ScheduleTimer(delay, static g => ((ConsumerGroup)g!).OnInitialDelayElapsed(), this);
            return;
        }

        _initialDelayActive = false;
        CompleteJoin();
    }

    /// <summary>Completes the join phase early once every member (and every handed-out member id) has joined.</summary>
    private void TryCompleteJoin()
    {
        if (State == GroupState.PreparingRebalance && !_initialDelayActive && _pendingMembers.Count == 0 && _members.Values.All(m => m.IsAwaitingJoin))
        {
            CompleteJoin();
        }
    }

    private void CompleteJoin()
    {
        if (State != GroupState.PreparingRebalance)
        {
            return;
        }

        _joinTimer.Cancel();
        _initialDelayActive = false;
        // Dynamic members that did not rejoin in time are out; static members keep their place.
        foreach (var member in _members.Values.Where(m => !m.IsAwaitingJoin && m.GroupInstanceId is null).ToList())
        {
            RemoveMember(member, ErrorCode.UnknownMemberId);
        }

        if (_members.Count > 0 && !ElectJoinedLeader())
        {
            // Only static members that have not rejoined: give them another rebalance timeout.
            logger.LogWarning("Group {Group}: no member rejoined; waiting another rebalance timeout", LogText.Sanitize(GroupId));
            _joinTimer = Shard().ScheduleTimer(RebalanceTimeout, static g => ((ConsumerGroup)g!).CompleteJoin(), this);
            return;
        }

        GenerationId++;
        if (_members.Count == 0)
        {
            ProtocolName = null;
            TransitionTo(GroupState.Empty);
            // Stored too, or the next coordinator would load the members of the last stored generation.
            _ = StoreEmptyAsync();
            return;
        }

        ProtocolName = SelectProtocol();
        TransitionTo(GroupState.CompletingRebalance);
        logger.LogDebug("Group {Group}: generation {Generation} with {Members} members, protocol {Protocol}", LogText.Sanitize(GroupId), GenerationId, _members.Count, LogText.Sanitize(ProtocolName));
        foreach (var member in _members.Values)
        {
            member.CompleteJoin(CurrentGenerationResponse(member, IsLeader(member)));
            member.IsNew = false;
            ScheduleSession(member, TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
            _pendingSync.Add(member.MemberId);
        }

        var generation = GenerationId;
        _syncTimer = Shard().ScheduleTimer(RebalanceTimeout, static s =>
        {
            var (group, generation) = ((ConsumerGroup, int))s!;
            group.OnSyncTimeout(generation);
        }, (this, generation));
    }

    private async Task StoreEmptyAsync()
    {
        if (await store(this) is var error and not ErrorCode.None)
        {
            logger.LogInformation("Group {Group}: its empty generation {Generation} not stored ({Error}); a coordinator loading it later sees the last stored members, who then expire", LogText.Sanitize(GroupId), GenerationId, error);
        }
    }

    /// <summary>Keeps the leader if it rejoined, else makes any rejoined member leader; false when none rejoined.</summary>
    private bool ElectJoinedLeader()
    {
        if (LeaderId is not null && _members.TryGetValue(LeaderId, out var leader) && leader.IsAwaitingJoin)
        {
            return true;
        }

        var joined = _members.Values.FirstOrDefault(m => m.IsAwaitingJoin);
        if (joined is null)
        {
            return false;
        }

        LeaderId = joined.MemberId;
        return true;
    }

    /// <summary>Members that got a generation but never asked for their assignment are removed, and the rest rebalance.</summary>
    private void OnSyncTimeout(int generation)
    {
        if (generation != GenerationId || State is not (GroupState.CompletingRebalance or GroupState.Stable) || _pendingSync.Count == 0)
        {
            return;
        }

        foreach (var memberId in _pendingSync.ToList())
        {
            if (_members.TryGetValue(memberId, out var member))
            {
                RemoveMember(member, ErrorCode.UnknownMemberId);
            }
        }

        PrepareRebalance();
    }

    private void ScheduleSession(GroupMember member, TimeSpan timeout)
    {
        member.SessionTimer.Cancel();
        member.SessionTimer = Shard().ScheduleTimer(timeout, static s =>
        {
            var (group, member) = ((ConsumerGroup, GroupMember))s!;
            group.OnSessionExpired(member);
        }, (this, member));
    }

    private void OnSessionExpired(GroupMember member)
    {
        if (!_members.TryGetValue(member.MemberId, out var current) || current != member)
        {
            return;
        }

        // A member waiting for JoinGroup or SyncGroup cannot heartbeat; the rebalance and sync
        // deadlines decide its fate (except a new member's join, bounded by its long timeout).
        if ((member.IsAwaitingJoin && !member.IsNew) || member.IsAwaitingSync)
        {
            return;
        }

        logger.LogInformation("Group {Group}: member {Member} session expired", LogText.Sanitize(GroupId), LogText.Sanitize(member.MemberId));
        RemoveMemberAndUpdateGroup(member);
    }

    private void ExpirePendingMember(string memberId)
    {
        if (_pendingMembers.Remove(memberId))
        {
            TryCompleteJoin();
        }
    }

    /// <summary>A member left or died: out of the group, and the rest rebalance.</summary>
    private void RemoveMemberAndUpdateGroup(GroupMember member)
    {
        RemoveMember(member, ErrorCode.UnknownMemberId);
        if (State is GroupState.Stable or GroupState.CompletingRebalance)
        {
            PrepareRebalance();
        }
        else
        {
            TryCompleteJoin();
        }
    }

    private void RemoveMember(GroupMember member, ErrorCode pendingError)
    {
        _members.Remove(member.MemberId);
        if (member.GroupInstanceId is { } instanceId && _staticMembers.TryGetValue(instanceId, out var holder) && holder == member.MemberId)
        {
            _staticMembers.Remove(instanceId);
        }

        member.SessionTimer.Cancel();
        member.CompleteJoin(JoinError(member.MemberId, pendingError));
        member.CompleteSync(new SyncGroupResponse { ErrorCode = pendingError });
        _pendingSync.Remove(member.MemberId);
        if (LeaderId == member.MemberId)
        {
            LeaderId = _members.Keys.FirstOrDefault();
        }
    }
}
