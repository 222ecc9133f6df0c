namespace FastLog.Storage.Index;

/// <summary>
/// A fixed-size, big-endian index entry. <see cref="Key"/> is what lookups search by and must
/// strictly increase along an index; <see cref="RelativeOffset"/> (offset - segment BaseOffset)
/// never decreases.
/// </summary>
internal interface IIndexEntry<TSelf>
    where TSelf : struct, IIndexEntry<TSelf>
{
    static abstract int Size { get; }

    static abstract TSelf Read(ReadOnlySpan<byte> source);

    long Key { get; }

    int RelativeOffset { get; }

    void Write(Span<byte> destination);
}
