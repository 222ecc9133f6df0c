using System.Buffers.Binary;
using System.IO.Hashing;

namespace FastLog.Core;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2.
/// Kafka stores the value big-endian as an unsigned 32-bit integer; these helpers
/// return it as a plain <see cref="uint"/> so callers compare and write it explicitly.
/// Backed by System.IO.Hashing 11 (hardware CRC32 instructions where available).
/// </summary>
public static class Crc32C
{
    /// <summary>CRC-32C of <paramref name="data"/> (init 0xFFFFFFFF, final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>True when the big-endian CRC stored at <paramref name="storedCrc"/> matches <paramref name="data"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> storedCrc, ReadOnlySpan<byte> data) =>
        BinaryPrimitives.ReadUInt32BigEndian(storedCrc) == Compute(data);
}
