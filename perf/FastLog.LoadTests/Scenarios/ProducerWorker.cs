using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// One Confluent.Kafka producer driven by a dedicated thread: paced by a <see cref="RatePacer"/>
/// (Inject, Ramp) or by a cap on unacknowledged records (InFlight).
/// Threads: <see cref="Run"/> runs on the worker's own thread; delivery reports run on
/// Confluent's poll thread. They share the payload pool (a ConcurrentQueue: librdkafka copies the
/// value when Produce returns, so the report hands the array back for reuse) and the in-flight
/// semaphore (released once per report).
/// </summary>
internal sealed class ProducerWorker : IDisposable
{
    private readonly ScenarioOptions _options;
    private readonly ScenarioMeter _meter;
    private readonly IProducer<Null, byte[]> _producer;
    private readonly RatePacer? _pacer;
    private readonly SemaphoreSlim _inFlight;
    private readonly ConcurrentQueue<byte[]> _payloads = new();
    private readonly Action<DeliveryReport<Null, byte[]>> _onDelivery;
    private long _expectedIntervalMicros;

    public ProducerWorker(ScenarioOptions options, ScenarioMeter meter, RatePacer? pacer, int inFlightLimit)
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
            BatchSize = 1 << 20,
            // Room for everything the in-flight cap allows, so Produce does not fail with QueueFull.
            QueueBufferingMaxMessages = Math.Max(inFlightLimit * 2, 100_000),
            QueueBufferingMaxKbytes = 1 << 20,
            EnableIdempotence = false,
            CompressionType = CompressionType.None,
        }).Build();
    }

    /// <summary>Produces until <paramref name="stopAt"/> (a Stopwatch timestamp), the byte budget or cancellation, then waits for every report.</summary>
    public void Run(long startedAt, long stopAt, CancellationToken cancel)
    {
        long sent = 0;
        while (!cancel.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= stopAt || (_options.MaxBytes > 0 && _meter.ProducedBytes >= _options.MaxBytes))
            {
                break;
            }

            if (_pacer is null)
            {
                if (_inFlight.Wait(10, cancel))
                {
                    Produce();
                }

                continue;
            }

            double elapsed = Stopwatch.GetElapsedTime(startedAt, now).TotalSeconds;
            long due = _pacer.DueBy(elapsed);
            Volatile.Write(ref _expectedIntervalMicros, _pacer.ExpectedIntervalMicros(elapsed));
            for (; sent < due && _inFlight.Wait(0, cancel); sent++)
            {
                Produce();
            }

            // ~1 ms timer granularity: whatever fell due meanwhile goes out as one burst on the next turn.
            Thread.Sleep(1);
        }

        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    private void Produce()
    {
        if (!_payloads.TryDequeue(out var payload))
        {
            payload = new byte[_options.RecordSize];
            payload.AsSpan(RecordStamp.Size).Fill((byte)'x');
        }

        RecordStamp.Write(payload, Stopwatch.GetTimestamp());
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
            long micros = RecordStamp.Micros(RecordStamp.Read(payload), now);
            ScenarioMeter.Record(_meter.AckLatency, micros, _pacer is null ? 0 : Volatile.Read(ref _expectedIntervalMicros));
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
