using System.Diagnostics;
using FastLog.LoadTests.Bench;
using HdrHistogram;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// Cuts a run into intervals: each <see cref="Sample"/> takes the counter deltas and the interval
/// histograms since the previous one, and the intervals after warm-up accumulate into the run's
/// totals. Used only by the runner's sampling thread.
/// </summary>
internal sealed class IntervalSampler
{
    private readonly ScenarioMeter _meter;
    private readonly ProcessSampler? _broker;
    private readonly long _started;
    private readonly int _warmupIntervals;
    private readonly List<IntervalStats> _intervals = [];
    private readonly HistogramBase _ack = ScenarioMeter.NewHistogram();
    private readonly HistogramBase _endToEnd = ScenarioMeter.NewHistogram();
    private readonly HistogramBase _scheduledEndToEnd = ScenarioMeter.NewHistogram();
    private readonly HistogramBase _sendDelay = ScenarioMeter.NewHistogram();
    private IntervalSnapshot _last;
    private IntervalSnapshot _measuredFrom;
    private long _peakRss;

    public IntervalSampler(ScenarioMeter meter, ProcessSampler? broker, long started, int warmupIntervals)
    {
        _meter = meter;
        _broker = broker;
        _started = started;
        _warmupIntervals = warmupIntervals;
        _last = Take(started);
        _measuredFrom = _last;
    }

    public long NextBoundary(long intervalTicks) => _started + ((_intervals.Count + 1) * intervalTicks);

    public IntervalStats Sample(long now)
    {
        var current = Take(now);
        var ack = _meter.AckLatency.GetIntervalHistogram();
        var endToEnd = _meter.EndToEndLatency.GetIntervalHistogram();
        var scheduledEndToEnd = _meter.ScheduledEndToEndLatency.GetIntervalHistogram();
        var sendDelay = _meter.SendDelay.GetIntervalHistogram();
        bool warmup = _intervals.Count < _warmupIntervals;
        if (!warmup)
        {
            _ack.Add(ack);
            _endToEnd.Add(endToEnd);
            _scheduledEndToEnd.Add(scheduledEndToEnd);
            _sendDelay.Add(sendDelay);
        }

        var stats = new IntervalStats(
            Stopwatch.GetElapsedTime(_started, _last.At).TotalSeconds,
            Stopwatch.GetElapsedTime(_last.At, now).TotalSeconds,
            warmup,
            current.ProducedRecords - _last.ProducedRecords,
            current.ProducedBytes - _last.ProducedBytes,
            current.ConsumedRecords - _last.ConsumedRecords,
            current.ConsumedBytes - _last.ConsumedBytes,
            LatencySummary.From(ack),
            LatencySummary.From(endToEnd),
            LatencySummary.From(sendDelay),
            current.CpuSeconds - _last.CpuSeconds,
            current.LoadGeneratorCpuSeconds - _last.LoadGeneratorCpuSeconds);
        _intervals.Add(stats);
        _last = current;
        if (_intervals.Count == _warmupIntervals)
        {
            _measuredFrom = current;
        }

        return stats;
    }

    /// <summary>
    /// The run's totals; the produce window ends at <paramref name="producersDoneAt"/> (Stopwatch
    /// timestamp), when the consumers had read <paramref name="consumedWhenProducersDone"/> records in all.
    /// </summary>
    public ScenarioResult Result(ScenarioOptions options, int partitions, long producersDoneAt, long consumedWhenProducersDone, long errors) => new()
    {
        Name = options.Name,
        Options = options,
        Partitions = partitions,
        Intervals = _intervals,
        ProduceSeconds = Math.Max(0, Stopwatch.GetElapsedTime(_measuredFrom.At, producersDoneAt).TotalSeconds),
        // Catch-up counts from its first record: connecting and finding the start offsets is not reading.
        ConsumeSeconds = Stopwatch.GetElapsedTime(options.CatchUp ? Math.Max(_measuredFrom.At, _meter.FirstConsumedAt) : _measuredFrom.At, _last.At).TotalSeconds,
        ProducedRecords = _last.ProducedRecords - _measuredFrom.ProducedRecords,
        ProducedBytes = _last.ProducedBytes - _measuredFrom.ProducedBytes,
        ConsumedRecords = _last.ConsumedRecords - _measuredFrom.ConsumedRecords,
        ConsumedBytes = _last.ConsumedBytes - _measuredFrom.ConsumedBytes,
        ConsumedWhileProducing = Math.Max(0, consumedWhenProducersDone - _measuredFrom.ConsumedRecords),
        Errors = errors,
        Ack = LatencySummary.From(_ack),
        EndToEnd = LatencySummary.From(_endToEnd),
        ScheduledEndToEnd = LatencySummary.From(_scheduledEndToEnd),
        SendDelay = LatencySummary.From(_sendDelay),
        BrokerCpuSeconds = _last.CpuSeconds - _measuredFrom.CpuSeconds,
        BrokerPeakRssBytes = _broker is null ? null : _peakRss,
        LoadGeneratorCpuSeconds = _last.LoadGeneratorCpuSeconds - _measuredFrom.LoadGeneratorCpuSeconds,
    };

    private IntervalSnapshot Take(long at)
    {
        if (_broker is not null)
        {
            _peakRss = Math.Max(_peakRss, _broker.RssBytes());
        }

        return new IntervalSnapshot(at, _meter.ProducedRecords, _meter.ProducedBytes, _meter.ConsumedRecords, _meter.ConsumedBytes, _broker?.CpuSeconds(), Environment.CpuUsage.TotalTime.TotalSeconds);
    }
}
