namespace FastLog.Chaos.History;

/// <summary>
/// One record a consumer read. A session is one consumer's uninterrupted ownership of the
/// partition (an assignment): within it offsets must rise one by one.
/// </summary>
internal sealed record ReadOp(string Reader, int Session, int Partition, long Offset, string Value, double AtMs);
