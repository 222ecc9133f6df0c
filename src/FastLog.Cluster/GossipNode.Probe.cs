using System.Net;

namespace FastLog.Cluster;

/// <summary>
/// Failure detection. Each protocol period: ping the next member of the <see cref="ProbeSchedule"/>;
/// no ack within the ping timeout → ping-req through k other members; still no ack when the period
/// ends → the member becomes Suspect. This node also serves other members' ping-reqs by pinging the
/// target and relaying its ack.
/// </summary>
internal sealed partial class GossipNode
{
    // Relayed ping-reqs: our ping's sequence -> whom to send the ack to, under which sequence.
    private readonly Dictionary<uint, (IPEndPoint Origin, int OriginId, uint OriginSequence, long ExpiresAt)> _relays = [];
    private uint _sequence;
    private int? _probeTarget;
    private uint _probeSequence;
    private long _probeStartedAt;
    private bool _probeAcked;
    private bool _probeIndirectSent;

    /// <summary>When the current probe's direct ping times out (long.MaxValue when nothing is pending).</summary>
    private long IndirectProbeDue =>
        _probeTarget is not null && !_probeAcked && !_probeIndirectSent ? _probeStartedAt + _pingTimeoutMs : long.MaxValue;

    private void StartProbe(long now)
    {
        _probeTarget = _schedule.Next(id => _members[id].Record.IsLive);
        if (_probeTarget is not { } targetId)
        {
            return;
        }

        _probeSequence = ++_sequence;
        _probeStartedAt = now;
        _probeAcked = false;
        _probeIndirectSent = false;
        SendWithGossip(GossipMessageType.Ping, _probeSequence, _members[targetId].Record.GossipEndPoint, targetId);
    }

    /// <summary>
    /// Ends the period's probe: a target that never acked (directly or indirectly) is suspected, or,
    /// if someone already suspects it, this node's failed probe confirms the suspicion.
    /// </summary>
    private void FinishProbe(long now)
    {
        if (_probeTarget is { } targetId && !_probeAcked)
        {
            var member = _members[targetId];
            var suspected = member.Record with { State = MemberState.Suspect, ReportedBy = _options.NodeId };
            if (member.Record.State == MemberState.Alive)
            {
                Apply(member, suspected, now);
            }
            else if (member.Suspicion?.Confirm(_options.NodeId) == true)
            {
                _broadcasts.Enqueue(suspected);
            }
        }

        _probeTarget = null;
    }

    private void SendIndirectProbes()
    {
        _probeIndirectSent = true;
        var target = _members[_probeTarget!.Value].Record;
        var helpers = LiveOthers(MemberState.Alive);
        helpers.RemoveAll(m => m.NodeId == target.NodeId);
        // A partial Fisher-Yates shuffle picks k distinct helpers uniformly.
        int count = Math.Min(_options.IndirectChecks, helpers.Count);
        for (int i = 0; i < count; i++)
        {
            int pick = _random.Next(i, helpers.Count);
            (helpers[i], helpers[pick]) = (helpers[pick], helpers[i]);
            SendWithGossip(GossipMessageType.PingReq, _probeSequence, helpers[i].GossipEndPoint, helpers[i].NodeId, target);
        }
    }

    private void OnAck(uint sequence)
    {
        if (_probeTarget is not null && sequence == _probeSequence)
        {
            _probeAcked = true;
        }
        else if (_relays.Remove(sequence, out var relay))
        {
            SendWithGossip(GossipMessageType.Ack, relay.OriginSequence, relay.Origin, relay.OriginId);
        }
    }

    private void OnPingReq(GossipMessage message, long now)
    {
        uint sequence = ++_sequence;
        _relays[sequence] = (message.SenderEndPoint, message.SenderId, message.Sequence, now + _periodMs);
        SendWithGossip(GossipMessageType.Ping, sequence, message.TargetEndPoint!, message.TargetId);
    }

    /// <summary>Relays whose target never answered are forgotten after a period (the origin has given up by then).</summary>
    private void ExpireRelays(long now)
    {
        foreach (var (sequence, relay) in _relays)
        {
            if (relay.ExpiresAt <= now)
            {
                _relays.Remove(sequence);
            }
        }
    }

    /// <summary>
    /// Sends a Ping, Ack or PingReq to member <paramref name="recipientId"/> with as many pending
    /// updates as fit. Lifeguard's "buddy system", applied to every message rather than only probes,
    /// and to every verdict: a recipient this node holds Suspect, Dead or Left gets that record
    /// first, so it can refute at once. (Found in simulation: after a partition healed, the
    /// isolated node answered and was answered, but nobody told it that it had been declared dead.)
    /// </summary>
    private void SendWithGossip(GossipMessageType type, uint sequence, IPEndPoint destination, int recipientId, MemberRecord? target = null)
    {
        _writer.Begin(type, sequence, target);
        MemberRecord? buddy = _members.TryGetValue(recipientId, out var recipient) && recipient.Record.State != MemberState.Alive ? recipient.Record : null;
        if (buddy is not null)
        {
            _writer.TryAppend(buddy);
        }

        _broadcasts.FillMessage(_writer, RetransmitLimit(), buddy?.NodeId);
        Send(destination, _writer.Finish());
    }
}
