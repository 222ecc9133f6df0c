using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Workload;

/// <summary>
/// One Confluent.Kafka producer sending unique, sequence-numbered values at a steady rate,
/// round-robin over the partitions (explicit partitions: the order check is per producer and
/// partition). Every write is recorded with its outcome from librdkafka's persistence status:
/// persisted = ok, not persisted = failed, possibly persisted = indeterminate.
/// Threads: <see cref="Run"/> produces on its own thread; delivery reports arrive on the
/// producer's poll thread. Whoever removes a write from <see cref="_pending"/> (a concurrent map)
/// records it: its report, or the end of the run when no report came. With <paramref name="log"/>,
/// librdkafka's idempotence log (debug "eos": epoch bumps, sequence errors, drains) goes there, so a
/// record the broker stored twice under two producer epochs can be traced to the error that made the
/// client re-send it.
/// </summary>
internal sealed class ProducerWorker(int id, string bootstrapServers, WorkloadOptions options, RunHistory history, TextWriter? log = null)
{
    /// <summary>Bounds what librdkafka holds while the broker is down (memory and the flush at the end).</summary>
    private const int MaxPending = 20_000;

    private readonly ConcurrentDictionary<long, (int Partition, double InvokedMs)> _pending = new();

    public void Run(CancellationToken stop)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = $"chaos-producer-{id}",
            Acks = options.AcksAll ? Acks.All : Acks.Leader,
            EnableIdempotence = options.AcksAll,
            // Without idempotence one request in flight keeps a retry from overtaking a later batch.
            MaxInFlight = options.AcksAll ? 5 : 1,
            LingerMs = 5,
            RequestTimeoutMs = options.RequestTimeoutMs,
            MessageTimeoutMs = options.MessageTimeoutMs,
        };
        ClientSettings.Apply(config, options);
        if (log is not null && options.AcksAll)
        {
            config.Debug = "eos";
        }

        using var producer = new ProducerBuilder<Null, string>(config)
            .SetLogHandler(log is null ? ClientSettings.IgnoreLog : (_, m) => log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} producer-{id} {m.Level} {m.Facility}: {m.Message}"))
            .Build();
        var clock = Stopwatch.StartNew();
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * options.Rate);
            while (sequence < due && _pending.Count < MaxPending && !stop.IsCancellationRequested)
            {
                Send(producer, sequence++);
            }

            Thread.Sleep(2);
        }

        // Every write gets its outcome: those still queued are delivered or time out within message.timeout.ms.
        producer.Flush(TimeSpan.FromMilliseconds(options.MessageTimeoutMs + 5000));
        foreach (var left in _pending.Keys)
        {
            if (_pending.TryRemove(left, out var write))
            {
                history.Record(new WriteOp(id, left, write.Partition, write.InvokedMs, history.NowMs, WriteOutcome.Indeterminate, -1, "no delivery report"));
            }
        }
    }

    private void Send(IProducer<Null, string> producer, long sequence)
    {
        var partition = (int)(sequence % options.Partitions);
        var invoked = history.NowMs;
        _pending[sequence] = (partition, invoked);
        try
        {
            producer.Produce(new TopicPartition(options.Topic, partition), new Message<Null, string> { Value = RecordValue.Format(id, sequence) }, report => Delivered(report, sequence, partition, invoked));
        }
        catch (Exception e) when (e is ProduceException<Null, string> or KafkaException)
        {
            // Refused before it was queued (a full queue, a fatal producer): it never left the client.
            _pending.TryRemove(sequence, out _);
            history.Record(new WriteOp(id, sequence, partition, invoked, history.NowMs, WriteOutcome.Failed, -1, e.Message));
        }
    }

    private void Delivered(DeliveryReport<Null, string> report, long sequence, int partition, double invoked)
    {
        if (!_pending.TryRemove(sequence, out _))
        {
            return; // recorded as indeterminate when the run gave up on it
        }

        var outcome = report.Error.IsError
            ? report.Status == PersistenceStatus.NotPersisted ? WriteOutcome.Failed : WriteOutcome.Indeterminate
            : WriteOutcome.Ok;
        var offset = outcome == WriteOutcome.Ok ? report.Offset.Value : -1;
        history.Record(new WriteOp(id, sequence, outcome == WriteOutcome.Ok ? report.Partition.Value : partition, invoked, history.NowMs, outcome, offset, report.Error.IsError ? report.Error.Reason : null));
    }
}
