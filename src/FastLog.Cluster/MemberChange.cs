namespace FastLog.Cluster;

/// <summary>A member appeared, changed state, or changed its address; raised on the gossip shard.</summary>
/// <param name="Member">The record now held.</param>
/// <param name="Previous">The state before the change; null when the member is new.</param>
public readonly record struct MemberChange(MemberRecord Member, MemberState? Previous);
