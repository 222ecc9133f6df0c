namespace FastLog.Cluster;

/// <summary>
/// An immutable snapshot of the membership, published by the gossip shard after every change and
/// read lock-free by any shard (see <see cref="GossipNode.View"/>). Members are sorted by node id
/// and include this node; Dead and Left members stay listed (as tombstones) until the process ends.
/// </summary>
public sealed class ClusterView
{
    public ClusterView(IEnumerable<MemberRecord> members)
    {
        Members = members.OrderBy(m => m.NodeId).ToArray();
        Alive = Members.Where(m => m.State == MemberState.Alive).ToArray();
    }

    public IReadOnlyList<MemberRecord> Members { get; }

    /// <summary>Members currently Alive (a Suspect is not listed: it may be gone).</summary>
    public IReadOnlyList<MemberRecord> Alive { get; }

    /// <summary>The lowest alive node id: FastLog's controller rule; -1 when none is alive.</summary>
    public int ControllerId => Alive.Count > 0 ? Alive[0].NodeId : -1;

    public int CountIn(MemberState state) => Members.Count(m => m.State == state);
}
