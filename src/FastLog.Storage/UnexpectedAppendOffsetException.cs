namespace FastLog.Storage;

/// <summary>
/// A follower's append (<see cref="PartitionLog.AppendReplicatedAsync"/>) was refused because its
/// batches do not continue the log: a batch starts below <see cref="MinimumOffset"/> (the
/// LogEndOffset when the writer took the append, or the offset after the batch before it in the same
/// append). Nothing of the append is stored. Kafka's UnexpectedAppendOffsetException and
/// OffsetsOutOfOrderException: the follower's fetch position and its log disagree, so it truncates or
/// fetches again rather than writing over offsets it holds.
/// </summary>
public sealed class UnexpectedAppendOffsetException : InvalidOperationException
{
    public UnexpectedAppendOffsetException(long baseOffset, long minimumOffset, string context)
        : base($"{context}: a replicated batch starts at offset {baseOffset}, below {minimumOffset}; nothing of the append was stored.")
    {
        BaseOffset = baseOffset;
        MinimumOffset = minimumOffset;
    }

    /// <summary>Base offset of the batch that was out of place.</summary>
    public long BaseOffset { get; }

    /// <summary>The lowest base offset that batch could have had.</summary>
    public long MinimumOffset { get; }
}
