namespace FastLog.Records;

/// <summary>
/// Outcome of validating the records of one produce request for one partition.
/// On success <see cref="BatchCount"/> batches covering <see cref="OffsetCount"/> offsets
/// were found; on failure <see cref="BatchIndex"/> names the first bad batch.
/// </summary>
public readonly record struct RecordBatchValidation(RecordBatchError Error, int BatchIndex, int BatchCount, long OffsetCount)
{
    public bool IsValid => Error == RecordBatchError.None;

    public override string ToString() =>
        IsValid ? $"{BatchCount} batch(es), {OffsetCount} offset(s)" : $"batch {BatchIndex}: {Error.Describe()}";
}
