namespace FastLog.Chaos.Faults;

/// <summary>One planned fault: after <see cref="LoadBefore"/> of undisturbed load, <see cref="Kind"/> hits <see cref="Node"/> for <see cref="Hold"/>.</summary>
internal sealed record ScheduledFault(int Index, FaultKind Kind, int Node, TimeSpan LoadBefore, TimeSpan Hold);
