namespace FastLog.Cluster;

/// <summary>
/// Incoming datagrams and dissemination: decode (garbage is counted and dropped), merge the
/// carried records by SWIM's precedence (<see cref="MemberRecord.Supersedes"/>), pass every
/// accepted change on through the <see cref="BroadcastQueue"/>, refute suspicions about this node,
/// then answer the message.
/// </summary>
internal sealed partial class GossipNode
{
    /// <summary>Handles one datagram received at <paramref name="now"/>; ignored before start and after leaving.</summary>
    public void Receive(ReadOnlySpan<byte> datagram, long now)
    {
        if (!_started || _left)
        {
            return;
        }

        Counters.MessageReceived();
        var status = GossipCodec.TryDecode(datagram, _clusterId, out var message);
        if (status != GossipDecodeStatus.Ok)
        {
            Counters.Dropped(status);
            return;
        }

        bool fullState = message!.Type == GossipMessageType.Sync;
        foreach (var record in message.Records)
        {
            Merge(record, fullState, now);
        }

        switch (message.Type)
        {
            case GossipMessageType.Ping:
                SendWithGossip(GossipMessageType.Ack, message.Sequence, message.SenderEndPoint, message.SenderId);
                break;
            case GossipMessageType.Ack:
                OnAck(message.Sequence);
                break;
            case GossipMessageType.PingReq:
                OnPingReq(message, now);
                break;
            case GossipMessageType.Sync when message.ReplyWanted:
                SendState(message.SenderEndPoint, replyWanted: false);
                break;
        }
    }

    private void Merge(MemberRecord record, bool fromFullState, long now)
    {
        if (record.NodeId == _options.NodeId)
        {
            MergeAboutSelf(record);
            return;
        }

        // memberlist's rule: a peer's full state may be old (a healed partition); its Dead verdicts
        // only make us suspect, which gives the member a suspicion timeout to refute.
        if (fromFullState && record.State == MemberState.Dead)
        {
            record = record with { State = MemberState.Suspect };
        }

        if (_members.TryGetValue(record.NodeId, out var member))
        {
            if (record.Supersedes(member.Record))
            {
                Apply(member, record, now);
            }
            else if (record.State == MemberState.Suspect && record.Incarnation == member.Record.Incarnation
                && member.Suspicion?.Confirm(record.ReportedBy) == true)
            {
                _broadcasts.Enqueue(record); // an independent suspector: others should count it too
            }
            else if (record.State != MemberState.Alive && record.Incarnation < member.Record.Incarnation && member.Record.State == MemberState.Alive)
            {
                // A stale rumour (the member has refuted it): whoever still spreads it missed the
                // refutation, so pass the refutation on again; it rides on our answer to the sender.
                _broadcasts.Enqueue(member.Record);
            }

            return;
        }

        if (record.IsLive)
        {
            // No tombstones for members never seen alive: there is nothing to forget.
            member = new Member(record);
            _members.Add(record.NodeId, member);
            _schedule.Add(record.NodeId);
            Apply(member, record, now, isNew: true);
        }
    }

    /// <summary>
    /// Anything newer than what this node says about itself (a suspicion, a death, or an old
    /// incarnation of a previous run) is refuted with a higher incarnation, as SWIM prescribes.
    /// A rumour this node already refuted is still going round when all the refutation's
    /// transmissions were lost: the refutation is queued again, so it also rides on the ack to
    /// whoever just repeated the rumour (found under 20% loss: without it, such nodes were declared
    /// dead). Other members do the same for rumours about third parties (see <see cref="Merge"/>).
    /// </summary>
    private void MergeAboutSelf(MemberRecord record)
    {
        var self = _self.Record;
        if (record.Incarnation > self.Incarnation || (record.Incarnation == self.Incarnation && record.State != MemberState.Alive))
        {
            _self.Record = self with { Incarnation = record.Incarnation + 1, State = MemberState.Alive, ReportedBy = _options.NodeId };
            _broadcasts.Enqueue(_self.Record);
            Counters.Refuted();
            Publish();
        }
        else if (record.State != MemberState.Alive)
        {
            _broadcasts.Enqueue(self);
        }
    }

    /// <summary>Adopts <paramref name="record"/> for <paramref name="member"/>: suspicion timer, dissemination, snapshot, event.</summary>
    private void Apply(Member member, MemberRecord record, long now, bool isNew = false)
    {
        var previous = member.Record;
        member.Record = record;
        if (record.State != MemberState.Suspect)
        {
            member.Suspicion = null;
        }
        else if (isNew || previous.State != MemberState.Suspect || previous.Incarnation != record.Incarnation)
        {
            member.Suspicion = NewSuspicion(now, record.ReportedBy);
        }

        _broadcasts.Enqueue(record);
        Publish();
        if (isNew || !previous.SameAs(record))
        {
            MemberChanged?.Invoke(new MemberChange(record, isNew ? null : previous.State));
        }
    }

    private void ExpireSuspicions(long now)
    {
        foreach (var member in _members.Values)
        {
            if (member.SuspicionDeadline <= now)
            {
                Apply(member, member.Record with { State = MemberState.Dead, ReportedBy = _options.NodeId }, now);
            }
        }
    }
}
