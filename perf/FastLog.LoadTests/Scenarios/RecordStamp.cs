using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// The send times carried in every record's value, and the consumer-side deserializer that reads
/// only them (no per-record byte[]: at hundreds of thousands of records per second the load
/// generator must not become the bottleneck).
/// <code>
/// value: [0..8)  Stopwatch timestamp when Produce was called, little-endian
///        [8..16) Stopwatch timestamp the record was due at (open model), 0 in a closed-model run
///        [16..RecordSize) filler bytes
/// </code>
/// Producer and consumers run in one process, so Stopwatch timestamps compare directly.
/// </summary>
internal readonly record struct RecordStamp(long SentTimestamp, long IntendedTimestamp, int Length)
{
    public const int Size = 2 * sizeof(long);

    /// <summary>A record value of <paramref name="recordSize"/> bytes: room for the stamp, then filler.</summary>
    public static byte[] NewValue(int recordSize)
    {
        var value = new byte[recordSize];
        value.AsSpan(Size).Fill((byte)'x');
        return value;
    }

    public static void Write(Span<byte> value, long sent, long intended)
    {
        BinaryPrimitives.WriteInt64LittleEndian(value, sent);
        BinaryPrimitives.WriteInt64LittleEndian(value[sizeof(long)..], intended);
    }

    public static RecordStamp Read(ReadOnlySpan<byte> value) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value[sizeof(long)..]), value.Length);

    /// <summary>Microseconds from <paramref name="from"/> to <paramref name="to"/> (Stopwatch timestamps), at least 1.</summary>
    public static long Micros(long from, long to) => Math.Max(1, (to - from) * 1_000_000 / Stopwatch.Frequency);

    public static IDeserializer<RecordStamp> Deserializer { get; } = new RecordStampDeserializer();
}
