using System.Diagnostics;
using HdrHistogram;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// Counters and latency recorders shared by a scenario's producers and consumers and read by its
/// interval sampler.
/// Protocol: workers only add (Interlocked.Add on the counters; HdrHistogram's
/// <see cref="Recorder"/> is wait-free for concurrent writers). The single sampler thread reads
/// the counters with Volatile.Read and swaps each recorder's interval histogram out with
/// GetIntervalHistogram, so every sample lands in exactly one interval. The first-consumed
/// timestamp is set once (CompareExchange from 0) and read with Volatile.Read.
/// </summary>
internal sealed class ScenarioMeter
{
    /// <summary>Latencies are in microseconds; one minute is far beyond anything a healthy run shows.</summary>
    public const long HighestMicros = 60_000_000;

    private long _producedRecords;
    private long _producedBytes;
    private long _ackedRecords;
    private long _consumedRecords;
    private long _consumedBytes;
    private long _errors;
    private long _firstConsumedAt;

    /// <summary>Produce called → delivery report, per record.</summary>
    public Recorder AckLatency { get; } = NewRecorder();

    /// <summary>Produce called → consumed, per record: what an application producing at this rate sees.</summary>
    public Recorder EndToEndLatency { get; } = NewRecorder();

    /// <summary>
    /// Open model only: due time → consumed, per record. Corrected for coordinated omission: a
    /// stall that held sending back (a full in-flight window, a late wake-up, no CPU) is charged
    /// to every record it delayed. It includes the pacer's tick (see <see cref="SendDelay"/>).
    /// </summary>
    public Recorder ScheduledEndToEndLatency { get; } = NewRecorder();

    /// <summary>
    /// Open model only: due time → Produce called. The load generator's own lateness; a large value
    /// says it could not hold the schedule, so the run measured the generator, not the broker.
    /// </summary>
    public Recorder SendDelay { get; } = NewRecorder();

    public long ProducedRecords => Volatile.Read(ref _producedRecords);

    public long ProducedBytes => Volatile.Read(ref _producedBytes);

    public long AckedRecords => Volatile.Read(ref _ackedRecords);

    public long ConsumedRecords => Volatile.Read(ref _consumedRecords);

    public long ConsumedBytes => Volatile.Read(ref _consumedBytes);

    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Stopwatch timestamp of the first record any consumer read (0 before): catch-up throughput counts from it, not from the clients' start-up.</summary>
    public long FirstConsumedAt => Volatile.Read(ref _firstConsumedAt);

    public void Produced(int records, long bytes)
    {
        Interlocked.Add(ref _producedRecords, records);
        Interlocked.Add(ref _producedBytes, bytes);
    }

    public void Acked(int records = 1) => Interlocked.Add(ref _ackedRecords, records);

    public void Consumed(long records, long bytes)
    {
        Interlocked.Add(ref _consumedRecords, records);
        Interlocked.Add(ref _consumedBytes, bytes);
    }

    public void Error() => Interlocked.Increment(ref _errors);

    /// <summary>Keeps the earliest report only (consumers call it at the start of every batch they count).</summary>
    public void FirstConsumed(long timestamp)
    {
        if (Volatile.Read(ref _firstConsumedAt) == 0)
        {
            Interlocked.CompareExchange(ref _firstConsumedAt, timestamp, 0);
        }
    }

    /// <summary>
    /// A stamped record was consumed now: end-to-end latency from its send time and, for an
    /// open-model record, from its due time. Unstamped records (send time 0) record nothing.
    /// </summary>
    public void RecordEndToEnd(RecordStamp stamp)
    {
        if (stamp.SentTimestamp == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        Record(EndToEndLatency, RecordStamp.Micros(stamp.SentTimestamp, now));
        if (stamp.IntendedTimestamp != 0)
        {
            Record(ScheduledEndToEndLatency, RecordStamp.Micros(stamp.IntendedTimestamp, now));
        }
    }

    /// <summary>Records one latency in microseconds, clamped to the recorders' range.</summary>
    public static void Record(Recorder recorder, long micros) => recorder.RecordValue(Math.Clamp(micros, 1, HighestMicros));

    /// <summary>An empty histogram with the recorders' range, to merge interval histograms into.</summary>
    public static HistogramBase NewHistogram() => HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).Create();

    private static Recorder NewRecorder() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();
}
