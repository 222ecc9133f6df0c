namespace FastLog.Storage;

/// <summary>
/// Offsets [<see cref="FirstOffset"/>, <see cref="EndOffset"/>) of the segment at
/// <see cref="SegmentBaseOffset"/>, bytes [<see cref="Position"/>, <see cref="EndPosition"/>) of
/// its file, whose batch failed its CRC-32C or structure check after it was stored (found by the
/// scrub or by an index rebuild). Reads reaching it fail with <see cref="CorruptLogException"/>.
/// </summary>
public readonly record struct CorruptRange(long SegmentBaseOffset, long FirstOffset, long EndOffset, long Position, long EndPosition)
{
    public bool Contains(long offset) => offset >= FirstOffset && offset < EndOffset;
}
