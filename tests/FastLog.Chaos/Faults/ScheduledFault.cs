namespace FastLog.Chaos.Faults;

/// <summary>
/// One planned fault: after <see cref="LoadBefore"/> of undisturbed load, <see cref="Kind"/> hits
/// <see cref="Node"/> (-1: the node holding the role when it comes, or every node for a rolling
/// restart) for <see cref="Hold"/>; a leader kill aims at the leader of <see cref="Partition"/>.
/// </summary>
internal sealed record ScheduledFault(int Index, FaultKind Kind, int Node, TimeSpan LoadBefore, TimeSpan Hold, int Partition = 0);
