namespace FastLog.Storage;

/// <summary>
/// A read reached a batch known to be corrupt on disk (<see cref="CorruptRange"/>): the bytes are
/// not served. An <see cref="IOException"/>, so the broker answers KAFKA_STORAGE_ERROR.
/// </summary>
public sealed class CorruptLogException : IOException
{
    public CorruptLogException(string directory, CorruptRange range)
        : base($"{directory}: offsets [{range.FirstOffset}, {range.EndOffset}) are corrupt on disk (segment {range.SegmentBaseOffset}, bytes {range.Position}..{range.EndPosition}).")
    {
        Range = range;
    }

    public CorruptRange Range { get; }
}
