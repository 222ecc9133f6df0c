namespace FastLog.Storage.Policy;

/// <summary>
/// What roll and retention decisions need to know about a segment.
/// <see cref="FirstTimestamp"/> is the first batch's MaxTimestamp (-1 if none), <see cref="MaxTimestamp"/>
/// the largest batch MaxTimestamp (-1 if none), <see cref="OpenedUnixMs"/> when this process created or
/// opened the segment (age fallback when batches carry no timestamps).
/// </summary>
internal readonly record struct SegmentSummary(
    long BaseOffset,
    long NextOffset,
    long SizeBytes,
    long FirstTimestamp,
    long MaxTimestamp,
    long OpenedUnixMs)
{
    public bool IsEmpty => SizeBytes == 0;
}
