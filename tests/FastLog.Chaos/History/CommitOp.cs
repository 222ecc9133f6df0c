namespace FastLog.Chaos.History;

/// <summary>An offset commit the group coordinator acknowledged (the next offset to read).</summary>
internal sealed record CommitOp(string Member, int Partition, long Offset, double AtMs);
