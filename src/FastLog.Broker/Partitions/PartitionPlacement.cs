namespace FastLog.Broker.Partitions;

/// <summary>
/// Which shard owns a partition (Redpanda's shard_for(ntp)). Consecutive partitions of a topic go
/// to consecutive shards so a topic's load spreads over every core, and the topic name's hash picks
/// the starting shard so single-partition topics do not all land on shard 0. The hash is FNV-1a,
/// stable across processes (string.GetHashCode is randomized per process), over the name's chars
/// (topic names are ASCII), so the hot path allocates nothing.
/// </summary>
internal static class PartitionPlacement
{
    public static int ShardFor(TopicPartition partition, int shardCount)
    {
        uint hash = 2166136261;
        foreach (var c in partition.Topic)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)((hash + (uint)partition.Partition) % (uint)shardCount);
    }
}
