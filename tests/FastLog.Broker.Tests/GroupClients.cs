using System.Collections.Concurrent;
using Confluent.Kafka;

namespace FastLog.Broker.Tests;

/// <summary>Brokers, producers and group consumers for the consumer-group tests.</summary>
internal static class GroupClients
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A broker whose auto-created topics have <paramref name="partitions"/> partitions and whose first rebalance waits only briefly.</summary>
    public static Task<TestBroker> StartBrokerAsync(int partitions = 6) => TestBroker.StartAsync(o =>
    {
        o.DefaultPartitions = partitions;
        o.GroupInitialRebalanceDelayMs = 200;
    });

    public static ConsumerConfig Consumer(TestBroker broker, string group, PartitionAssignmentStrategy strategy = PartitionAssignmentStrategy.Range, string? instanceId = null) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = group,
        GroupInstanceId = instanceId,
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        PartitionAssignmentStrategy = strategy,
        SessionTimeoutMs = 6000,
        HeartbeatIntervalMs = 500,
        TopicMetadataRefreshIntervalMs = 1000,
    };

    /// <summary>Produces values "0".."count-1" round-robin over the topic's partitions (keys "k{i}").</summary>
    public static async Task ProduceAsync(TestBroker broker, string topic, int count, int from = 0)
    {
        using var producer = new ProducerBuilder<string, string>(ProduceConsumeTests.ProducerConfig(broker)).Build();
        var deliveries = Enumerable.Range(from, count)
            .Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i}", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToList();
        await Task.WhenAll(deliveries).WaitAsync(Deadline);
    }

    /// <summary>Polls until <paramref name="done"/> holds or the deadline passes; false on timeout.</summary>
    public static bool PollUntil(IEnumerable<IConsumer<string, string>> consumers, Func<bool> done, Action<IConsumer<string, string>, ConsumeResult<string, string>>? onRecord = null)
    {
        var stop = DateTime.UtcNow + Deadline;
        while (!done())
        {
            if (DateTime.UtcNow > stop)
            {
                return false;
            }

            foreach (var consumer in consumers)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is { IsPartitionEOF: false } record)
                {
                    onRecord?.Invoke(consumer, record);
                }
            }
        }

        return true;
    }

    /// <summary>Every record each consumer processed, by (partition, offset), in processing order.</summary>
    internal sealed class ProcessedLog
    {
        private readonly ConcurrentQueue<(string Consumer, int Partition, long Offset, bool Committed)> _entries = new();

        public void Add(string consumer, ConsumeResult<string, string> record, bool committed) =>
            _entries.Enqueue((consumer, record.Partition.Value, record.Offset.Value, committed));

        public int DistinctCount => _entries.Select(e => (e.Partition, e.Offset)).Distinct().Count();

        public IReadOnlyCollection<(string Consumer, int Partition, long Offset, bool Committed)> Entries => _entries;
    }
}
