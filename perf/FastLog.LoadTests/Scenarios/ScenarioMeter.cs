using HdrHistogram;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// Counters and latency recorders shared by a scenario's producers and consumers and read by its
/// interval sampler.
/// Protocol: workers only add (Interlocked.Add on the counters; HdrHistogram's
/// <see cref="Recorder"/> is wait-free for concurrent writers). The single sampler thread reads
/// the counters with Volatile.Read and swaps each recorder's interval histogram out with
/// GetIntervalHistogram, so every sample lands in exactly one interval.
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

    /// <summary>Produce → delivery report, per record.</summary>
    public Recorder AckLatency { get; } = NewRecorder();

    /// <summary>Send timestamp in the record → consumed, per record.</summary>
    public Recorder EndToEndLatency { get; } = NewRecorder();

    public long ProducedRecords => Volatile.Read(ref _producedRecords);

    public long ProducedBytes => Volatile.Read(ref _producedBytes);

    public long AckedRecords => Volatile.Read(ref _ackedRecords);

    public long ConsumedRecords => Volatile.Read(ref _consumedRecords);

    public long ConsumedBytes => Volatile.Read(ref _consumedBytes);

    public long Errors => Volatile.Read(ref _errors);

    public void Produced(int records, long bytes)
    {
        Interlocked.Add(ref _producedRecords, records);
        Interlocked.Add(ref _producedBytes, bytes);
    }

    public void Acked() => Interlocked.Increment(ref _ackedRecords);

    public void Consumed(long records, long bytes)
    {
        Interlocked.Add(ref _consumedRecords, records);
        Interlocked.Add(ref _consumedBytes, bytes);
    }

    public void Error() => Interlocked.Increment(ref _errors);

    /// <summary>
    /// Records one latency; with an expected interval (open-model load) a value longer than it also
    /// records the samples the stall hid (coordinated-omission correction).
    /// </summary>
    public static void Record(Recorder recorder, long micros, long expectedIntervalMicros)
    {
        long value = Math.Clamp(micros, 1, HighestMicros);
        if (expectedIntervalMicros > 0)
        {
            recorder.RecordValueWithExpectedInterval(value, expectedIntervalMicros);
        }
        else
        {
            recorder.RecordValue(value);
        }
    }

    /// <summary>An empty histogram with the recorders' range, to merge interval histograms into.</summary>
    public static HistogramBase NewHistogram() => HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).Create();

    private static Recorder NewRecorder() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();
}
