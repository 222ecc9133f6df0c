using System.Diagnostics;
using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// One Confluent.Kafka consumer on a dedicated thread, assigned a fixed set of partitions at
/// explicit offsets (no group protocol needed). Tail mode records end-to-end latency from each
/// record's send timestamp; catch-up mode stops once every partition reached its target end
/// offset. Only the worker's thread touches the consumer; results go to the shared
/// <see cref="ScenarioMeter"/>; <see cref="ExpectedIntervalMicros"/> is written by the runner
/// (Volatile) and read here.
/// </summary>
internal sealed class ConsumerWorker : IDisposable
{
    private readonly ScenarioMeter _meter;
    private readonly IConsumer<Ignore, RecordStamp> _consumer;
    private readonly Dictionary<int, long> _remainingEnds;
    private long _expectedIntervalMicros;
    private bool _caughtUp;

    /// <summary>Assigns <paramref name="assignment"/> (partitions and start offsets); <paramref name="catchUpEnds"/> is the end offset to reach per partition in catch-up mode, null in tail mode.</summary>
    public ConsumerWorker(ScenarioOptions options, ScenarioMeter meter, IReadOnlyList<TopicPartitionOffset> assignment, IReadOnlyDictionary<int, long>? catchUpEnds)
    {
        _meter = meter;
        _remainingEnds = catchUpEnds is null ? [] : catchUpEnds.Where(e => e.Value > 0).ToDictionary(e => e.Key, e => e.Value);
        IsCatchUp = catchUpEnds is not null;
        _consumer = new ConsumerBuilder<Ignore, RecordStamp>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = "fastlog-bench",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            FetchWaitMaxMs = 100,
            FetchMinBytes = 1,
            MaxPartitionFetchBytes = 4 << 20,
        }).SetValueDeserializer(RecordStamp.Deserializer).Build();
        _consumer.Assign(assignment);
    }

    public bool IsCatchUp { get; }

    /// <summary>Catch-up is done when no partition has anything left to read.</summary>
    public bool IsCaughtUp => IsCatchUp && Volatile.Read(ref _caughtUp);

    public long ExpectedIntervalMicros
    {
        get => Volatile.Read(ref _expectedIntervalMicros);
        set => Volatile.Write(ref _expectedIntervalMicros, value);
    }

    /// <summary>Consumes until cancelled (tail) or caught up (catch-up).</summary>
    public void Run(CancellationToken cancel)
    {
        Volatile.Write(ref _caughtUp, IsCatchUp && _remainingEnds.Count == 0);
        while (!cancel.IsCancellationRequested && !IsCaughtUp)
        {
            ConsumeResult<Ignore, RecordStamp>? result;
            try
            {
                result = _consumer.Consume(100);
            }
            catch (ConsumeException)
            {
                _meter.Error();
                continue;
            }

            if (result?.Message is null)
            {
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            var stamp = result.Message.Value;
            _meter.Consumed(1, stamp.Length);
            if (!IsCatchUp && stamp.SentTimestamp != 0)
            {
                ScenarioMeter.Record(_meter.EndToEndLatency, RecordStamp.Micros(stamp.SentTimestamp, now), ExpectedIntervalMicros);
            }
            else if (IsCatchUp && _remainingEnds.TryGetValue(result.Partition.Value, out long end) && result.Offset.Value + 1 >= end)
            {
                _remainingEnds.Remove(result.Partition.Value);
                Volatile.Write(ref _caughtUp, _remainingEnds.Count == 0);
            }
        }
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
