namespace FastLog.Broker.Partitions;

/// <summary>A partition of a topic: Kafka's TopicPartition.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    /// <summary>The partition's directory name under the data directory, as Kafka names it ("topic-0").</summary>
    public string DirectoryName => $"{Topic}-{Partition}";

    public override string ToString() => DirectoryName;
}
