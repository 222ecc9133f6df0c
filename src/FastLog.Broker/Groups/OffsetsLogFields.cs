using System.Buffers.Binary;
using System.Text;

namespace FastLog.Broker.Groups;

/// <summary>
/// The field encodings Kafka's __consumer_offsets records use (offset commits and group metadata):
/// big-endian integers, strings as an i16 length and UTF-8 bytes (-1 = null), byte arrays as an
/// i32 length and the bytes. Reads throw <see cref="ArgumentOutOfRangeException"/> past the end.
/// </summary>
internal static class OffsetsLogFields
{
    public static int StringSize(string? s) => 2 + (s is null ? 0 : Encoding.UTF8.GetByteCount(s));

    public static int WriteInt16(byte[] buffer, int at, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(at), value);
        return at + 2;
    }

    public static int WriteString(byte[] buffer, int at, string? s)
    {
        if (s is null)
        {
            return WriteInt16(buffer, at, -1);
        }

        var length = Encoding.UTF8.GetBytes(s, buffer.AsSpan(at + 2));
        WriteInt16(buffer, at, checked((short)length));
        return at + 2 + length;
    }

    public static string? ReadString(ReadOnlySpan<byte> buffer, ref int at)
    {
        var length = BinaryPrimitives.ReadInt16BigEndian(buffer[at..]);
        at += 2;
        if (length < 0)
        {
            return null;
        }

        var s = Encoding.UTF8.GetString(buffer.Slice(at, length));
        at += length;
        return s;
    }

    public static int BytesSize(byte[] bytes) => 4 + bytes.Length;

    public static int WriteInt32(byte[] buffer, int at, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), value);
        return at + 4;
    }

    public static int WriteInt64(byte[] buffer, int at, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(at), value);
        return at + 8;
    }

    public static int WriteBytes(byte[] buffer, int at, byte[] bytes)
    {
        at = WriteInt32(buffer, at, bytes.Length);
        bytes.CopyTo(buffer.AsSpan(at));
        return at + bytes.Length;
    }

    public static short ReadInt16(ReadOnlySpan<byte> buffer, ref int at)
    {
        var value = BinaryPrimitives.ReadInt16BigEndian(buffer[at..]);
        at += 2;
        return value;
    }

    public static int ReadInt32(ReadOnlySpan<byte> buffer, ref int at)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(buffer[at..]);
        at += 4;
        return value;
    }

    public static long ReadInt64(ReadOnlySpan<byte> buffer, ref int at)
    {
        var value = BinaryPrimitives.ReadInt64BigEndian(buffer[at..]);
        at += 8;
        return value;
    }

    /// <summary>An i32-length byte array; a null (-1) one reads as empty.</summary>
    public static byte[] ReadBytes(ReadOnlySpan<byte> buffer, ref int at)
    {
        var length = ReadInt32(buffer, ref at);
        if (length <= 0)
        {
            return [];
        }

        var bytes = buffer.Slice(at, length).ToArray();
        at += length;
        return bytes;
    }
}
