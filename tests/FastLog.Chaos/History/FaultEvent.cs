using FastLog.Chaos.Faults;

namespace FastLog.Chaos.History;

/// <summary>A fault as it happened: the node it hit (-1: every node, one after another), from its injection to the moment it was healed (the node serving again).</summary>
internal sealed record FaultEvent(int Index, FaultKind Kind, int Node, double StartMs, double EndMs);
