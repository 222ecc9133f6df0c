using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// One Confluent.Kafka producer driven by a dedicated thread: paced by a <see cref="RatePacer"/>
/// (Inject, Ramp: open model) or by a cap on unacknowledged records (InFlight: closed model).
/// Threads: <see cref="Run"/> runs on the worker's own thread; delivery reports run on
/// Confluent's poll thread. They share the payload pool (a ConcurrentQueue: librdkafka copies the
/// value inside Produce, but the report reads the record's stamp back from the array, so the
/// array is reused only after its report) and the in-flight semaphore (released once per report).
/// </summary>
internal sealed class ConfluentProducerWorker : IProducerWorker
{
    /// <summary>
    /// Shortest sleep of the open-model pacer: records arrive in bursts of what fell due during it,
    /// sent up to about this much late (the send delay, part of the latency from the due time, not
    /// of the latency from the Produce call). Every burst costs wake-ups in the generator, in
    /// librdkafka and in the broker (a request), at ~30 µs of CPU each on this VM: at the 25 % rate
    /// (~53k rec/s) a 0.5 ms tick left the machine CPU-bound (e2e p50 ~45 ms) where 1 ms did not
    /// (e2e p50 ~4 ms).
    /// </summary>
    internal const long PacerTickMicros = 1_000;

    private readonly ScenarioOptions _options;
    private readonly ScenarioMeter _meter;
    private readonly IProducer<Null, byte[]> _producer;
    private readonly RatePacer? _pacer;
    private readonly SemaphoreSlim _inFlight;
    private readonly ConcurrentQueue<byte[]> _payloads = new();
    private readonly Action<DeliveryReport<Null, byte[]>> _onDelivery;

    public ConfluentProducerWorker(ScenarioOptions options, ScenarioMeter meter, RatePacer? pacer, int inFlightLimit)
    {
        _options = options;
        _meter = meter;
        _pacer = pacer;
        _inFlight = new SemaphoreSlim(inFlightLimit, inFlightLimit);
        _onDelivery = OnDelivery;
        _producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = options.Acks == 1 ? Confluent.Kafka.Acks.Leader : Confluent.Kafka.Acks.All,
            LingerMs = options.LingerMs,
            // As OMB's no-linger Kafka driver config: batches are cut by linger.ms, never by size.
            BatchSize = 1 << 20,
            // Room for everything the in-flight cap allows, so Produce does not fail with QueueFull.
            QueueBufferingMaxMessages = Math.Max(inFlightLimit * 2, 100_000),
            QueueBufferingMaxKbytes = 1 << 20,
            EnableIdempotence = false,
            CompressionType = CompressionType.None,
            // librdkafka leaves Nagle on by default (the Java client turns it off): a small produce
            // request would wait for the previous one's ACK.
            SocketNagleDisable = true,
            // The report needs only the value (the array, not a copy): no timestamp, headers or
            // status marshalled per record.
            DeliveryReportFields = "value",
        }).Build();
    }

    /// <summary>Produces until <paramref name="stopAt"/> (a Stopwatch timestamp), the byte budget or cancellation, then waits for every report.</summary>
    public void Run(long startedAt, long stopAt, CancellationToken cancel)
    {
        if (_pacer is null)
        {
            RunClosed(stopAt, cancel);
        }
        else
        {
            RunOpen(_pacer, startedAt, stopAt, cancel);
        }

        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>Closed model: a new record whenever one of the in-flight slots frees up; stamped when sent.</summary>
    private void RunClosed(long stopAt, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested && !Finished(Stopwatch.GetTimestamp(), stopAt))
        {
            if (_inFlight.Wait(10, cancel))
            {
                Produce(intendedTimestamp: 0);
            }
        }
    }

    /// <summary>
    /// Open model: records that fell due during a sleep or while the in-flight window was full are
    /// sent as a burst (the offered load never drops); each carries its due time, so the delay
    /// shows (send delay) and counts (scheduled end-to-end latency).
    /// </summary>
    private void RunOpen(RatePacer pacer, long startedAt, long stopAt, CancellationToken cancel)
    {
        long index = 0;
        long dueAt = pacer.DueTimestamp(startedAt, index);
        while (!cancel.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            if (Finished(now, stopAt))
            {
                break;
            }

            for (; dueAt <= now && _inFlight.Wait(0, cancel); dueAt = pacer.DueTimestamp(startedAt, ++index))
            {
                Produce(dueAt);
            }

            MicroSleep.For(Math.Max(PacerTickMicros, RecordStamp.Micros(Stopwatch.GetTimestamp(), dueAt)));
        }
    }

    private bool Finished(long now, long stopAt) => _options.ProducingDone(now, stopAt, _meter.ProducedBytes);

    /// <param name="intendedTimestamp">When the record was due (open model), or 0.</param>
    private void Produce(long intendedTimestamp)
    {
        if (!_payloads.TryDequeue(out var payload))
        {
            payload = RecordStamp.NewValue(_options.RecordSize);
        }

        long sent = Stopwatch.GetTimestamp();
        if (intendedTimestamp != 0)
        {
            ScenarioMeter.Record(_meter.SendDelay, RecordStamp.Micros(intendedTimestamp, sent));
        }

        RecordStamp.Write(payload, sent, intendedTimestamp);
        while (true)
        {
            try
            {
                _producer.Produce(_options.Topic, new Message<Null, byte[]> { Value = payload }, _onDelivery);
                _meter.Produced(1, payload.Length);
                return;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // librdkafka's queue is full: let it drain.
                _producer.Poll(TimeSpan.FromMilliseconds(1));
            }
        }
    }

    private void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        long now = Stopwatch.GetTimestamp();
        var payload = report.Message.Value;
        if (report.Error.IsError)
        {
            _meter.Error();
        }
        else
        {
            _meter.Acked();
            ScenarioMeter.Record(_meter.AckLatency, RecordStamp.Micros(RecordStamp.Read(payload).SentTimestamp, now));
        }

        _payloads.Enqueue(payload);
        _inFlight.Release();
    }

    public void Dispose()
    {
        _producer.Dispose();
        _inFlight.Dispose();
    }
}
