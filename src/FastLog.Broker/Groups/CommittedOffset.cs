namespace FastLog.Broker.Groups;

/// <summary>A group's committed position in one partition (OffsetCommit), as OffsetFetch returns it.</summary>
internal readonly record struct CommittedOffset(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestamp);
