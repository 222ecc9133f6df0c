using System.Net;

namespace FastLog.Cluster;

/// <summary>
/// Push-pull: full state exchanges. At start with every seed (the join: a newcomer learns the
/// whole membership in one round trip); while alone, with the seeds again every period; then every
/// sync interval with one random live member, plus one random Dead member, so both sides of a
/// healed partition find each other (each refutes the other's verdict about itself).
/// </summary>
internal sealed partial class GossipNode
{
    private void JoinThroughSeeds()
    {
        foreach (var seed in _options.Seeds)
        {
            if (!seed.Equals(_options.GossipEndPoint))
            {
                SendState(seed, replyWanted: true);
            }
        }
    }

    /// <summary>One periodic sync round; returns true when this node knows no other live member.</summary>
    private bool SyncRound()
    {
        var live = LiveOthers();
        if (live.Count == 0)
        {
            JoinThroughSeeds();
        }
        else
        {
            SendState(live[_random.Next(live.Count)].GossipEndPoint, replyWanted: true);
        }

        var dead = LiveOthers(MemberState.Dead);
        if (dead.Count > 0)
        {
            SendState(dead[_random.Next(dead.Count)].GossipEndPoint, replyWanted: true);
        }

        return live.Count == 0;
    }

    /// <summary>
    /// Sends every record this node holds (itself first, tombstones included so a restarted member
    /// learns of its own death and refutes it), split over as many datagrams as needed. Only the
    /// first asks for a reply.
    /// </summary>
    private void SendState(IPEndPoint destination, bool replyWanted)
    {
        _writer.Begin(GossipMessageType.Sync, 0, replyWanted: replyWanted);
        foreach (var member in _members.Values.OrderBy(m => m != _self))
        {
            if (!_writer.TryAppend(member.Record))
            {
                Send(destination, _writer.Finish());
                _writer.Begin(GossipMessageType.Sync, 0);
                _writer.TryAppend(member.Record);
            }
        }

        Send(destination, _writer.Finish());
    }
}
