using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FastLog.LoadTests.Scenarios;

/// <summary>Creates a scenario's topic (or finds it) and reads its partitions' end offsets.</summary>
internal static class TopicSetup
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a replicated topic may take to have its brokers registered, and then every partition led with all replicas in sync.</summary>
    private static readonly TimeSpan ReplicasTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Returns the topic's partition ids. CreateTopics is tried first; a broker without it (or where
    /// the topic exists) falls back to producer-side auto-creation, which takes the broker's
    /// default partition count. A replicated topic (<see cref="ScenarioOptions.ReplicationFactor"/> &gt; 1)
    /// is created once the cluster has that many brokers, and returned once every partition has a
    /// leader and all its replicas in sync, so that a run does not measure the cluster settling.
    /// </summary>
    public static async Task<IReadOnlyList<int>> EnsureTopicAsync(ScenarioOptions options)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.BootstrapServers }).Build())
        {
            if (options.ReplicationFactor > 1)
            {
                await MetadataWhenAsync(admin, m => m.Brokers.Count >= options.ReplicationFactor, $"{options.ReplicationFactor} registered brokers");
            }

            try
            {
                var configs = options.MinInSyncReplicas is { } minInSync ? new Dictionary<string, string> { ["min.insync.replicas"] = minInSync.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null;
                await admin.CreateTopicsAsync([new TopicSpecification { Name = options.Topic, NumPartitions = options.Partitions, ReplicationFactor = options.ReplicationFactor, Configs = configs }]);
            }
            catch (KafkaException)
            {
                // Exists already, or CreateTopics is not served: the metadata below settles it.
            }

            if (options.ReplicationFactor > 1)
            {
                await MetadataWhenAsync(admin, m => m.Topics.FirstOrDefault(t => t.Topic == options.Topic) is { Error.IsError: false } t && t.Partitions.Count > 0
                    && t.Partitions.All(p => p.Leader >= 0 && p.InSyncReplicas.Length == options.ReplicationFactor), $"topic {options.Topic} led with {options.ReplicationFactor} replicas in sync");
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

    private static async Task MetadataWhenAsync(IAdminClient admin, Func<Metadata, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + ReplicasTimeout;
        while (!condition(admin.GetMetadata(Timeout)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} not seen within {ReplicasTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(200);
        }
    }

    private static List<int> Partitions(IAdminClient admin, string topic)
    {
        var metadata = admin.GetMetadata(topic, Timeout);
        var described = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        return described is null || described.Error.IsError ? [] : described.Partitions.Select(p => p.PartitionId).Order().ToList();
    }
}
