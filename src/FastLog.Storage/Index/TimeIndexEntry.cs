using System.Buffers.Binary;

namespace FastLog.Storage.Index;

/// <summary>
/// One entry of a segment's <c>.timeindex</c> file: the largest MaxTimestamp seen so far in
/// the segment is <see cref="Timestamp"/>, first reached by the batch starting at
/// segment BaseOffset + <see cref="RelativeOffset"/>. Every batch before that one has a
/// smaller MaxTimestamp.
/// <code>
///  0  8  Timestamp       i64 big-endian (ms since the Unix epoch)
///  8  4  RelativeOffset  i32 big-endian
/// </code>
/// </summary>
internal readonly record struct TimeIndexEntry(long Timestamp, int RelativeOffset) : IIndexEntry<TimeIndexEntry>
{
    public static int Size => 12;

    public long Key => Timestamp;

    public static TimeIndexEntry Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64BigEndian(source),
        BinaryPrimitives.ReadInt32BigEndian(source[8..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], RelativeOffset);
    }
}
