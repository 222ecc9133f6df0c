using System.Net;

namespace FastLog.Cluster;

/// <summary>
/// One member as the cluster gossips it: identity, where to reach it (gossip UDP and the Kafka
/// endpoint it advertises), and the versioned belief about it (<see cref="Incarnation"/>,
/// <see cref="State"/>). Immutable; every record is self-contained, so a node that hears about a
/// member for the first time through gossip can probe it at once.
/// </summary>
/// <param name="NodeId">The broker's node.id.</param>
/// <param name="Incarnation">Raised only by the member itself, to refute a suspicion or announce a change.</param>
/// <param name="State">What the cluster believes about it.</param>
/// <param name="ReportedBy">Who said so: the member itself for Alive and Left, the suspector for
/// Suspect, the member that declared it for Dead (Lifeguard counts independent suspectors).</param>
/// <param name="GossipEndPoint">The member's gossip UDP address.</param>
/// <param name="KafkaHost">Host of the Kafka endpoint it advertises to clients.</param>
/// <param name="KafkaPort">Port of that Kafka endpoint.</param>
/// <param name="Rack">Kafka's broker.rack, or null.</param>
public sealed record MemberRecord(
    int NodeId,
    uint Incarnation,
    MemberState State,
    int ReportedBy,
    IPEndPoint GossipEndPoint,
    string KafkaHost,
    int KafkaPort,
    string? Rack)
{
    /// <summary>
    /// SWIM's precedence rules as one order on (incarnation, state): a record replaces the current
    /// one about the same member when its incarnation is higher, or equal with a stronger state.
    /// So Alive(i) overrides Suspect(j) only if i &gt; j; Suspect(i) overrides Alive(j) if i &gt;= j;
    /// Dead(i) overrides Alive/Suspect(j) if i &gt;= j. Unlike the paper, Dead does not override
    /// everything: like memberlist, a member that refuted with a higher incarnation stays alive
    /// when a stale Dead arrives, and a restarted member can rejoin by refuting its own death.
    /// </summary>
    public bool Supersedes(MemberRecord current) =>
        Incarnation > current.Incarnation || (Incarnation == current.Incarnation && State > current.State);

    /// <summary>True for Alive and Suspect: members that are probed and may still answer.</summary>
    public bool IsLive => State is MemberState.Alive or MemberState.Suspect;

    /// <summary>The same member, address and state: differs at most in incarnation and reporter (no news for listeners).</summary>
    public bool SameAs(MemberRecord other) => this with { Incarnation = other.Incarnation, ReportedBy = other.ReportedBy } == other;

    public override string ToString() =>
        $"node {NodeId} ({KafkaHost}:{KafkaPort}, gossip {GossipEndPoint}{(Rack is null ? "" : ", rack " + Rack)}) {State} incarnation {Incarnation}"
        + (State is MemberState.Suspect or MemberState.Dead ? $" (reported by node {ReportedBy})" : "");
}
