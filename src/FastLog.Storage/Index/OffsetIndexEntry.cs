using System.Buffers.Binary;

namespace FastLog.Storage.Index;

/// <summary>
/// One entry of a segment's <c>.index</c> file: the batch whose BaseOffset is
/// segment BaseOffset + <see cref="RelativeOffset"/> starts at byte <see cref="Position"/>.
/// <code>
///  0  4  RelativeOffset  i32 big-endian
///  4  4  Position        i32 big-endian (byte position in the .log file)
/// </code>
/// </summary>
internal readonly record struct OffsetIndexEntry(int RelativeOffset, int Position) : IIndexEntry<OffsetIndexEntry>
{
    public static int Size => 8;

    public long Key => RelativeOffset;

    public static OffsetIndexEntry Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt32BigEndian(source),
        BinaryPrimitives.ReadInt32BigEndian(source[4..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, RelativeOffset);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], Position);
    }
}
