using System.Buffers;
using System.Numerics;

namespace FastLog.Records;

/// <summary>
/// Kafka's variable-length integers: the one implementation shared by the record format (record
/// lengths, deltas, keys, values, headers) and the wire codec above it (compact lengths, tagged
/// fields), so both put the same bytes on the wire.
/// <code>
///  UNSIGNED_VARINT  7 bits a byte, low group first, high bit set = more bytes follow; 1-5 bytes
///  VARINT           zigzag(int) as above: 0→0, -1→1, 1→2, -2→3 ...; 1-5 bytes
///  VARLONG          zigzag(long) the same way over 64 bits; 1-10 bytes
/// </code>
/// Zigzag keeps small negative values one byte long (-1 marks a null key or value).
/// Readers report <see cref="OperationStatus.NeedMoreData"/> when the bytes end inside a number
/// and <see cref="OperationStatus.InvalidData"/> when it does not fit its width; each caller
/// turns those into its own error. Pure functions: any thread.
/// </summary>
public static class VarIntCodec
{
    /// <summary>Most bytes an UNSIGNED_VARINT or VARINT takes.</summary>
    public const int MaxVarIntBytes = 5;

    /// <summary>Most bytes a VARLONG takes.</summary>
    public const int MaxVarLongBytes = 10;

    /// <summary>Writes an UNSIGNED_VARINT; returns its size. <paramref name="destination"/> needs room for <see cref="MaxVarIntBytes"/>.</summary>
    public static int WriteUnsignedVarInt(Span<byte> destination, uint value) => WriteUnsigned(destination, value);

    /// <summary>Writes a VARINT; returns its size. <paramref name="destination"/> needs room for <see cref="MaxVarIntBytes"/>.</summary>
    public static int WriteVarInt(Span<byte> destination, int value) => WriteUnsigned(destination, ZigZag(value));

    /// <summary>Writes a VARLONG; returns its size. <paramref name="destination"/> needs room for <see cref="MaxVarLongBytes"/>.</summary>
    public static int WriteVarLong(Span<byte> destination, long value) => WriteUnsigned(destination, ZigZag(value));

    /// <summary>Bytes <see cref="WriteVarInt"/> takes for <paramref name="value"/>.</summary>
    public static int SizeOfVarInt(int value) => SizeOfUnsigned(ZigZag(value));

    /// <summary>Bytes <see cref="WriteVarLong"/> takes for <paramref name="value"/>.</summary>
    public static int SizeOfVarLong(long value) => SizeOfUnsigned(ZigZag(value));

    /// <summary>Reads an UNSIGNED_VARINT from the start of <paramref name="source"/>.</summary>
    public static OperationStatus ReadUnsignedVarInt(ReadOnlySpan<byte> source, out uint value, out int bytesRead)
    {
        // The fifth byte carries bits 28-31 only.
        var status = ReadUnsigned(source, MaxVarIntBytes, 0x0F, out var raw, out bytesRead);
        value = (uint)raw;
        return status;
    }

    /// <summary>Reads a VARINT from the start of <paramref name="source"/>.</summary>
    public static OperationStatus ReadVarInt(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        var status = ReadUnsignedVarInt(source, out var raw, out bytesRead);
        value = (int)(raw >> 1) ^ -(int)(raw & 1);
        return status;
    }

    /// <summary>Reads a VARLONG from the start of <paramref name="source"/>.</summary>
    public static OperationStatus ReadVarLong(ReadOnlySpan<byte> source, out long value, out int bytesRead)
    {
        // The tenth byte carries bit 63 only.
        var status = ReadUnsigned(source, MaxVarLongBytes, 0x01, out var raw, out bytesRead);
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return status;
    }

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static int SizeOfUnsigned(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    private static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>
    /// 7 bits a byte, low group first, at most <paramref name="maxBytes"/> bytes of which the last
    /// may not exceed <paramref name="lastByteMax"/> (the bits left of the width). 0 unless Done.
    /// </summary>
    private static OperationStatus ReadUnsigned(ReadOnlySpan<byte> source, int maxBytes, byte lastByteMax, out ulong value, out int bytesRead)
    {
        value = 0;
        bytesRead = 0;
        ulong raw = 0;
        for (var i = 0; ; i++)
        {
            if (i == source.Length)
            {
                return OperationStatus.NeedMoreData;
            }

            var b = source[i];
            if (i == maxBytes - 1 && b > lastByteMax)
            {
                return OperationStatus.InvalidData;
            }

            raw |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = raw;
                bytesRead = i + 1;
                return OperationStatus.Done;
            }
        }
    }
}
