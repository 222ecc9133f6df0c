using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>Brokers, producers and group consumers for the consumer-group tests.</summary>
internal static class GroupClients
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The xunit collection of the tests that run real consumer groups. They poll consumers
    /// synchronously; run in parallel with each other on 2 cores they starved one another of
    /// threads past max.poll.interval.ms (members left their groups mid-test), so they run one
    /// class at a time.
    /// </summary>
    public const string Collection = "real consumer groups";

    /// <summary>A broker whose auto-created topics have <paramref name="partitions"/> partitions and whose first rebalance waits only briefly.</summary>
    public static Task<TestBroker> StartBrokerAsync(int partitions = 6, Action<Configuration.BrokerOptions>? configure = null) => TestBroker.StartAsync(o =>
    {
        o.DefaultPartitions = partitions;
        o.GroupInitialRebalanceDelayMs = 200;
        configure?.Invoke(o);
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
        // Also the rebalance timeout: a member that stops polling holds a rebalance up this long, not 5 minutes.
        MaxPollIntervalMs = 20_000,
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

    /// <summary>
    /// Joins <paramref name="group"/> over the raw protocol (JoinGroup v5, answering MEMBER_ID_REQUIRED
    /// as clients do), subscribed to <paramref name="topic"/> with the "range" consumer protocol.
    /// </summary>
    public static async Task<JoinGroupResponse> JoinAsync(KafkaClientConnection client, string group, string topic, string? instanceId = null, string memberId = "", int sessionTimeoutMs = 6000)
    {
        var request = new JoinGroupRequest
        {
            GroupId = group,
            SessionTimeoutMs = sessionTimeoutMs,
            RebalanceTimeoutMs = 10_000,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = Subscription(topic) }],
        };
        var response = await client.SendAsync<JoinGroupResponse>(request, 5);
        if (response.ErrorCode != FastLog.Protocol.ErrorCode.MemberIdRequired)
        {
            return response;
        }

        request.MemberId = response.MemberId;
        return await client.SendAsync<JoinGroupResponse>(request, 5);
    }

    /// <summary>ConsumerProtocolSubscription v0: version, topics, null user data.</summary>
    public static byte[] Subscription(string topic)
    {
        var name = Encoding.UTF8.GetBytes(topic);
        var bytes = new byte[2 + 4 + 2 + name.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(2), 1);
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(6), (short)name.Length);
        name.CopyTo(bytes, 8);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8 + name.Length), -1);
        return bytes;
    }

    /// <summary>The partitions of a ConsumerProtocolAssignment (any version: version, then [topic, [partition]]).</summary>
    public static List<int> AssignedPartitions(byte[] assignment)
    {
        var partitions = new List<int>();
        if (assignment.Length == 0)
        {
            return partitions;
        }

        var at = 2;
        var topics = BinaryPrimitives.ReadInt32BigEndian(assignment.AsSpan(at));
        at += 4;
        for (var t = 0; t < topics; t++)
        {
            at += 2 + BinaryPrimitives.ReadInt16BigEndian(assignment.AsSpan(at));
            var count = BinaryPrimitives.ReadInt32BigEndian(assignment.AsSpan(at));
            at += 4;
            for (var p = 0; p < count; p++, at += 4)
            {
                partitions.Add(BinaryPrimitives.ReadInt32BigEndian(assignment.AsSpan(at)));
            }
        }

        return partitions;
    }

    /// <summary>
    /// Every record the consumers processed, in order, and whether its commit (synchronous, right
    /// after processing) succeeded: a commit fails when a rebalance is under way, and then, and only
    /// then, the partition's next owner may process the record again.
    /// </summary>
    internal sealed class ProcessedLog
    {
        private readonly ConcurrentQueue<(int Partition, long Offset, bool Committed)> _entries = new();

        public int DistinctCount => _entries.Select(e => (e.Partition, e.Offset)).Distinct().Count();

        public void Process(IConsumer<string, string> consumer, ConsumeResult<string, string> record)
        {
            bool committed;
            try
            {
                consumer.Commit(record);
                committed = true;
            }
            catch (KafkaException)
            {
                committed = false;
            }

            _entries.Enqueue((record.Partition.Value, record.Offset.Value, committed));
        }

        public void AssertNothingReprocessedPastACommit()
        {
            foreach (var processings in _entries.GroupBy(e => (e.Partition, e.Offset)).Where(g => g.Count() > 1))
            {
                Assert.False(processings.First().Committed, $"partition {processings.Key.Partition} offset {processings.Key.Offset} was processed again after its commit");
            }
        }
    }
}
