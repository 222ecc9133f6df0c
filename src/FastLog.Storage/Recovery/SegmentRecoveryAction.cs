namespace FastLog.Storage.Recovery;

/// <summary>What opening a partition does with one segment (see <see cref="RecoveryPlanner"/>).</summary>
internal enum SegmentRecoveryAction
{
    /// <summary>Closed before the checkpoint: trimmed, fdatasync'ed, indexes complete. Load, don't scan.</summary>
    Trusted,

    /// <summary>The checkpoint's segment after a clean shutdown: load indexes up to the checkpoint, no scan.</summary>
    CleanTail,

    /// <summary>The checkpoint's segment after a crash: trust up to the checkpoint, scan what follows.</summary>
    ScanFromCheckpoint,

    /// <summary>No checkpoint covers it: scan it whole and rebuild its indexes.</summary>
    ScanAll,
}
