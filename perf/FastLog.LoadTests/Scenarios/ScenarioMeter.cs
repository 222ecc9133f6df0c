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

    /// <summary>Most recordings one coordinated-omission back-fill makes (see <see cref="Record"/>).</summary>
    public const long MaxBackfillSteps = 100;

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
    /// Records one latency. With an expected interval (open-model load) a value longer than it
    /// also records the samples the stall hid: value − interval, value − 2·interval, ... (what
    /// HdrHistogram's RecordValueWithExpectedInterval does). That method records them one by one,
    /// so a 1 s stall at 100 µs spacing costs 10,000 recordings on a delivery-report thread and
    /// the load generator itself falls behind; here they go in at most
    /// <see cref="MaxBackfillSteps"/> steps, each carrying the count of the samples it stands for.
    /// </summary>
    public static void Record(Recorder recorder, long micros, long expectedIntervalMicros)
    {
        long value = Math.Clamp(micros, 1, HighestMicros);
        recorder.RecordValue(value);
        if (expectedIntervalMicros <= 0 || value <= expectedIntervalMicros)
        {
            return;
        }

        long missing = (value - 1) / expectedIntervalMicros;
        long perStep = Math.Max(1, (missing + MaxBackfillSteps - 1) / MaxBackfillSteps);
        for (long k = 1; k <= missing; k += perStep)
        {
            long count = Math.Min(perStep, missing - k + 1);
            // The middle sample of the group stands for all of it.
            recorder.RecordValueWithCount(value - ((k + ((count - 1) / 2)) * expectedIntervalMicros), count);
        }
    }

    /// <summary>An empty histogram with the recorders' range, to merge interval histograms into.</summary>
    public static HistogramBase NewHistogram() => HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).Create();

    private static Recorder NewRecorder() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();
}
