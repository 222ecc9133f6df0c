namespace FastLog.Records;

/// <summary>
/// Where one record lies in an uncompressed records body (layout in <see cref="RecordBatchBuilder"/>):
/// the whole record with its length prefix (<see cref="Start"/>, <see cref="Length"/>: what a rewrite
/// copies verbatim, so timestamps, headers and offset deltas stay as they were), its offset delta,
/// and its key and value (<see cref="KeyLength"/> / <see cref="ValueLength"/> -1 = null).
/// </summary>
public readonly record struct RecordSpan(int Start, int Length, int OffsetDelta, int KeyStart, int KeyLength, int ValueStart, int ValueLength)
{
    public bool HasKey => KeyLength >= 0;

    /// <summary>A null value: a tombstone, which a compacted topic removes after delete.retention.ms.</summary>
    public bool IsTombstone => ValueLength < 0;
}
