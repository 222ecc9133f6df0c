using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// The send timestamp carried in every record's value, and the consumer-side deserializer that
/// reads only it (no per-record byte[]: at hundreds of thousands of records per second the
/// load generator must not become the bottleneck).
/// <code>
/// value: [0..8) Stopwatch timestamp at send, little-endian | [8..RecordSize) filler bytes
/// </code>
/// Producer and consumers run in one process, so Stopwatch timestamps compare directly.
/// </summary>
internal readonly record struct RecordStamp(long SentTimestamp, int Length)
{
    public const int Size = sizeof(long);

    public static void Write(Span<byte> value, long timestamp) => BinaryPrimitives.WriteInt64LittleEndian(value, timestamp);

    public static long Read(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt64LittleEndian(value);

    /// <summary>Microseconds from <paramref name="from"/> to <paramref name="to"/> (Stopwatch timestamps), at least 1.</summary>
    public static long Micros(long from, long to) => Math.Max(1, (to - from) * 1_000_000 / Stopwatch.Frequency);

    public static IDeserializer<RecordStamp> Deserializer { get; } = new RecordStampDeserializer();
}
