using FastLog.Broker.Coordination;
using FastLog.Broker.Partitions;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// Matches the partitions a request names against the topic registry, mirroring them into the
/// response; the handler then reaches the partitions that exist on their owner shards through
/// <see cref="PartitionManager.OnOwnersAsync"/>.
/// </summary>
internal static class PartitionRequests
{
    /// <summary>A requested partition that exists: its id, the request's entry for it, and its response slot.</summary>
    internal readonly record struct Requested<TRequest, TSlot>(TopicPartition Partition, TRequest Request, TSlot Slot);

    /// <summary>
    /// Mirrors a request's topics and partitions into <paramref name="responseTopics"/> (one slot per
    /// requested partition, in request order). Partitions of unknown topics, or indexes outside the
    /// topic, get UNKNOWN_TOPIC_OR_PARTITION in their slot; in a cluster, partitions this broker does
    /// not lead get NOT_LEADER_OR_FOLLOWER (the client refreshes its metadata and goes to the
    /// leader), and a request naming a current leader epoch (KIP-320, <paramref name="currentLeaderEpoch"/>)
    /// older than the image's gets FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH (this
    /// broker has not seen that change yet); the rest are returned for the handler to serve.
    /// </summary>
    public static List<Requested<TRequest, TSlot>> Resolve<TRequest, TSlot>(
        BrokerServices broker,
        IEnumerable<TopicData<TRequest>> requestTopics,
        List<TopicData<TSlot>> responseTopics,
        Func<TRequest, int> partitionIndex,
        Func<TRequest, TSlot> newSlot,
        Action<TSlot, ErrorCode> setError,
        Func<TRequest, int>? currentLeaderEpoch = null)
        where TRequest : KafkaStruct, new()
        where TSlot : KafkaStruct, new()
    {
        var requested = new List<Requested<TRequest, TSlot>>();
        foreach (var topicRequest in requestTopics)
        {
            // __consumer_offsets is in no registry but in a cluster's image: its followers fetch it like any partition.
            var partitionCount = broker.Topics.Find(topicRequest.Name)?.PartitionCount
                ?? broker.Coordinator?.Image.TopicsByName.GetValueOrDefault(topicRequest.Name)?.Partitions.Count
                ?? 0;
            var topicResponse = new TopicData<TSlot> { Name = topicRequest.Name };
            responseTopics.Add(topicResponse);
            foreach (var partition in topicRequest.Partitions)
            {
                var slot = newSlot(partition);
                topicResponse.Partitions.Add(slot);
                var index = partitionIndex(partition);
                if (index < 0 || index >= partitionCount)
                {
                    setError(slot, ErrorCode.UnknownTopicOrPartition);
                }
                else if (broker.Coordinator is { } cluster && LeadershipError(cluster, new TopicPartition(topicRequest.Name, index), currentLeaderEpoch?.Invoke(partition) ?? -1) is { } refused)
                {
                    setError(slot, refused);
                }
                else
                {
                    requested.Add(new Requested<TRequest, TSlot>(new TopicPartition(topicRequest.Name, index), partition, slot));
                }
            }
        }

        return requested;
    }

    private static ErrorCode? LeadershipError(ClusterCoordinator cluster, TopicPartition partition, int askedEpoch)
    {
        var (leader, epoch) = cluster.LeaderOf(partition);
        return leader != cluster.NodeId ? ErrorCode.NotLeaderOrFollower
            : askedEpoch < 0 || askedEpoch == epoch ? null
            : askedEpoch < epoch ? ErrorCode.FencedLeaderEpoch
            : ErrorCode.UnknownLeaderEpoch;
    }
}
