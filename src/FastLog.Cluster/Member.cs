namespace FastLog.Cluster;

/// <summary>The gossip node's local entry for a member: the record it believes, and the running suspicion if any. Gossip shard only.</summary>
internal sealed class Member(MemberRecord record)
{
    public MemberRecord Record { get; set; } = record;

    /// <summary>Set while the member is Suspect (for the suspected incarnation).</summary>
    public Suspicion? Suspicion { get; set; }

    /// <summary>When a Suspect is declared Dead (the node's clock, ms); long.MaxValue when not suspected.</summary>
    public long SuspicionDeadline => Suspicion?.Deadline ?? long.MaxValue;
}
