using System.Diagnostics;
using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// One Confluent.Kafka consumer on a dedicated thread, assigned a fixed set of partitions at
/// explicit offsets (Assign: no group join, no commits). Tail mode records end-to-end latency from
/// each record's send (and due) time; catch-up mode stops once every partition reached its target
/// end offset. Only the worker's thread touches the consumer; results go to the shared
/// <see cref="ScenarioMeter"/>; <see cref="IsCaughtUp"/> is written here and read by the runner
/// (Volatile).
/// </summary>
internal sealed class ConfluentConsumerWorker : IConsumerWorker
{
    /// <summary>Most records counted locally before they are added to the meter.</summary>
    internal const int MeterBatch = 1024;

    /// <summary>Longest a fetch long-polls when nothing is there (fetch.wait.max.ms); both clients use it.</summary>
    internal const int FetchWaitMs = 100;

    /// <summary>Fetch response size per partition (max.partition.fetch.bytes) and per response (fetch.max.bytes); both clients use them (why these sizes: the constructor).</summary>
    internal const int PartitionFetchBytes = 1 << 20;

    internal const int ResponseFetchBytes = 4 << 20;

    private readonly ScenarioMeter _meter;
    private readonly IConsumer<Ignore, RecordStamp> _consumer;
    private readonly Dictionary<int, long> _remainingEnds;
    private bool _caughtUp;

    /// <summary>Assigns <paramref name="assignment"/> (partitions and start offsets); <paramref name="catchUpEnds"/> is the end offset to reach per partition in catch-up mode, null in tail mode.</summary>
    public ConfluentConsumerWorker(ScenarioOptions options, ScenarioMeter meter, IReadOnlyList<TopicPartitionOffset> assignment, IReadOnlyDictionary<int, long>? catchUpEnds)
    {
        _meter = meter;
        _remainingEnds = catchUpEnds is null ? [] : catchUpEnds.Where(e => e.Value > 0).ToDictionary(e => e.Key, e => e.Value);
        IsCatchUp = catchUpEnds is not null;
        _consumer = new ConsumerBuilder<Ignore, RecordStamp>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            // Confluent.Kafka insists on a group id; with Assign and no commits it is never joined.
            GroupId = "fastlog-bench",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            // A fetch returns as soon as one record is there (min bytes 1) and long-polls at most
            // 100 ms when idle.
            FetchWaitMaxMs = FetchWaitMs,
            FetchMinBytes = 1,
            // Moderate responses: librdkafka takes a fresh buffer per response (page faults, cache
            // misses on the copy), so catching up with 4 MiB per partition / 16 MiB per response
            // read ~230 MB/s for 1.1 client cores, with 1 MiB / 4 MiB 420-540 MB/s for ~1 core.
            // Smaller ones cost the broker more requests per GB (1 MiB / 1 MiB: 0.6-1.2 broker
            // CPU-s/GB against 0.7-0.9). 1 MiB per partition is librdkafka's default.
            MaxPartitionFetchBytes = PartitionFetchBytes,
            FetchMaxBytes = ResponseFetchBytes,
            SocketNagleDisable = true,
            // Consume() then builds no topic string, headers or timestamp per record.
            ConsumeResultFields = "none",
        }).SetValueDeserializer(RecordStamp.Deserializer).Build();
        _consumer.Assign(assignment);
    }

    public bool IsCatchUp { get; }

    /// <summary>Catch-up is done when no partition has anything left to read.</summary>
    public bool IsCaughtUp => IsCatchUp && Volatile.Read(ref _caughtUp);

    /// <summary>Consumes until cancelled (tail) or caught up (catch-up).</summary>
    public void Run(CancellationToken cancel)
    {
        Volatile.Write(ref _caughtUp, IsCatchUp && _remainingEnds.Count == 0);
        // Counted here and added to the shared meter in batches: two contended Interlocked adds
        // per record cost more than the rest of this loop at catch-up rates.
        long records = 0;
        long bytes = 0;
        while (!cancel.IsCancellationRequested && !IsCaughtUp)
        {
            ConsumeResult<Ignore, RecordStamp>? result;
            try
            {
                result = _consumer.Consume(records == 0 ? 100 : 0);
            }
            catch (ConsumeException)
            {
                _meter.Error();
                continue;
            }

            if (result?.Message is null || records >= MeterBatch)
            {
                _meter.Consumed(records, bytes);
                records = 0;
                bytes = 0;
            }

            if (result?.Message is null)
            {
                continue;
            }

            var stamp = result.Message.Value;
            if (records == 0)
            {
                _meter.FirstConsumed(Stopwatch.GetTimestamp());
            }

            records++;
            bytes += stamp.Length;
            if (!IsCatchUp)
            {
                _meter.RecordEndToEnd(stamp);
            }
            else if (_remainingEnds.TryGetValue(result.Partition.Value, out long end) && result.Offset.Value + 1 >= end)
            {
                _remainingEnds.Remove(result.Partition.Value);
                if (_remainingEnds.Count == 0)
                {
                    _meter.Consumed(records, bytes);
                    records = 0;
                    bytes = 0;
                    Volatile.Write(ref _caughtUp, true);
                }
            }
        }

        _meter.Consumed(records, bytes);
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
