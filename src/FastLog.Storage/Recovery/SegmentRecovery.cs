using FastLog.Storage.Index;

namespace FastLog.Storage.Recovery;

/// <summary>
/// The recovery step for one segment: <see cref="Action"/>, and for the checkpoint's segment the
/// position, next offset and index state to resume from (zero / BaseOffset / empty otherwise).
/// </summary>
internal readonly record struct SegmentRecovery(
    long BaseOffset,
    SegmentRecoveryAction Action,
    long ResumePosition,
    long ResumeNextOffset,
    IndexerState ResumeIndexer);
