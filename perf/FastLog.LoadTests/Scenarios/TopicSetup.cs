using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FastLog.LoadTests.Scenarios;

/// <summary>Creates a scenario's topic (or finds it) and reads its partitions' end offsets.</summary>
internal static class TopicSetup
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Returns the topic's partition ids. CreateTopics is tried first; a broker without it (or where
    /// the topic exists) falls back to producer-side auto-creation, which takes the broker's
    /// default partition count.
    /// </summary>
    public static async Task<IReadOnlyList<int>> EnsureTopicAsync(ScenarioOptions options)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.BootstrapServers }).Build())
        {
            try
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = options.Topic, NumPartitions = options.Partitions, ReplicationFactor = 1 }]);
            }
            catch (KafkaException)
            {
                // Exists already, or CreateTopics is not served: the metadata below settles it.
            }
        }

        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = options.BootstrapServers }).Build();
        using var metadataClient = new DependentAdminClientBuilder(producer.Handle).Build();
        var partitions = Partitions(metadataClient, options.Topic);
        if (partitions.Count == 0)
        {
            // A produce auto-creates the topic on brokers that allow it; the empty record has no
            // timestamp, so consumers never count it as a latency sample.
            await producer.ProduceAsync(options.Topic, new Message<Null, byte[]> { Value = [] });
            partitions = Partitions(metadataClient, options.Topic);
        }

        return partitions.Count > 0 ? partitions : throw new InvalidOperationException($"topic {options.Topic} has no partitions");
    }

    /// <summary>Deletes the scenario's topic (the bench frees each run's disk space before the next).</summary>
    public static async Task DeleteTopicAsync(ScenarioOptions options)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.BootstrapServers }).Build();
        await admin.DeleteTopicsAsync([options.Topic]);
    }

    /// <summary>Low (log start) and high watermark of every partition.</summary>
    public static Dictionary<int, (long Start, long End)> Watermarks(ScenarioOptions options, IReadOnlyList<int> partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = options.BootstrapServers, GroupId = "fastlog-bench" }).Build();
        return partitions.ToDictionary(p => p, p =>
        {
            var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(options.Topic, p), Timeout);
            return (watermarks.Low.Value, watermarks.High.Value);
        });
    }

    private static List<int> Partitions(IAdminClient admin, string topic)
    {
        var metadata = admin.GetMetadata(topic, Timeout);
        var described = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        return described is null || described.Error.IsError ? [] : described.Partitions.Select(p => p.PartitionId).Order().ToList();
    }
}
