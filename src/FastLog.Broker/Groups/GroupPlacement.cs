using FastLog.Broker.Partitions;

namespace FastLog.Broker.Groups;

/// <summary>
/// Which offsets-log partition holds a group, and so which shard coordinates it. As in Kafka, a
/// group's partition of __consumer_offsets is abs(Java String.hashCode(groupId)) % 50, so the
/// numbering matches Kafka's; the partition's owner shard (<see cref="PartitionPlacement"/>) owns
/// the group. The partition count is fixed: changing it would move groups away from their offsets.
/// </summary>
internal static class GroupPlacement
{
    /// <summary>Directory prefix of the offsets log's partitions, Kafka's internal topic name.</summary>
    public const string OffsetsTopic = "__consumer_offsets";

    /// <summary>Kafka's default offsets.topic.num.partitions.</summary>
    public const int OffsetsPartitions = 50;

    public static int PartitionFor(string groupId)
    {
        var hash = 0;
        foreach (var c in groupId)
        {
            hash = unchecked((31 * hash) + c);
        }

        return (hash & int.MaxValue) % OffsetsPartitions;
    }

    public static int ShardFor(int offsetsPartition, int shardCount) =>
        PartitionPlacement.ShardFor(new TopicPartition(OffsetsTopic, offsetsPartition), shardCount);
}
