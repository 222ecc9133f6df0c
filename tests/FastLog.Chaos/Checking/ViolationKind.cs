namespace FastLog.Chaos.Checking;

/// <summary>Jepsen's queue checks, plus the consumer checks of the chaos issue; report order.</summary>
internal enum ViolationKind
{
    /// <summary>Acknowledged, never read back by the final read.</summary>
    Lost,

    /// <summary>Read at two different offsets.</summary>
    Duplicated,

    /// <summary>Read at a partition or offset other than the acknowledged one.</summary>
    InconsistentOffset,

    /// <summary>Per producer and partition, the log holds its sequence numbers out of order.</summary>
    Reordered,

    /// <summary>Read, but never sent.</summary>
    Unexpected,

    /// <summary>A definite failure that is stored anyway.</summary>
    FailedButPresent,

    /// <summary>A consumer session jumped over offsets the log holds.</summary>
    SkippedOffset,

    /// <summary>A consumer session read an offset at or below one it had read.</summary>
    NonMonotonicPoll,

    /// <summary>A group's committed offset went below one the coordinator had acknowledged.</summary>
    CommitWentBackwards,
}
