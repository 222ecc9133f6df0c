using Confluent.Kafka;

namespace FastLog.Broker.Tests;

/// <summary>Reads a topic back whole with Confluent.Kafka, for the tests that compare what was acknowledged with what is stored.</summary>
internal static class TopicReader
{
    /// <summary>Every record of <paramref name="topic"/>'s partitions 0 .. <paramref name="partitionCount"/> - 1, by (partition, offset); fails unless each end is reached within a minute.</summary>
    public static Dictionary<(int Partition, long Offset), string> ReadAll(string bootstrap, string topic, int partitionCount) =>
        ReadAll(bootstrap, topic, Enumerable.Range(0, partitionCount));

    /// <summary>Every record of <paramref name="topic"/>'s partitions <paramref name="partitionIds"/>, by (partition, offset); fails unless each end is reached within a minute.</summary>
    public static Dictionary<(int Partition, long Offset), string> ReadAll(string bootstrap, string topic, IEnumerable<int> partitionIds)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"{topic}-check",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        var partitions = partitionIds.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)).ToList();
        consumer.Assign(partitions);
        var stored = new Dictionary<(int, long), string>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (atEnd.Count < partitions.Count && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(1));
            if (record is null)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                atEnd.Add(record.Partition.Value);
                continue;
            }

            stored[(record.Partition.Value, record.Offset.Value)] = record.Message.Value;
        }

        Assert.Equal(partitions.Count, atEnd.Count);
        return stored;
    }

    /// <summary>
    /// Every record of partition 0 of <paramref name="topic"/> from the beginning, with its key and value
    /// (null for a tombstone), in offset order: what a compacted topic keeps. Fails unless the end is reached within a minute.
    /// </summary>
    public static List<(long Offset, string Key, string? Value)> ReadKeyed(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<string, string?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"{topic}-keyed-check",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<(long, string, string?)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(1));
            if (record is null)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                return records;
            }

            records.Add((record.Offset.Value, record.Message.Key, record.Message.Value));
        }

        throw new TimeoutException($"the end of {topic} was not reached");
    }
}
