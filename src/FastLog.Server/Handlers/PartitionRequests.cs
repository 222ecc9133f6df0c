using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// Fans per-partition work out to the partitions' owner shards and gathers the results in request
/// order: one cross-shard message per owner (not per partition), all owners working in parallel.
/// </summary>
internal static class PartitionRequests
{
    /// <summary>A requested partition that exists: its id, the request's entry for it, and its response slot.</summary>
    internal readonly record struct Requested<TRequest, TSlot>(TopicPartition Partition, TRequest Request, TSlot Slot);

    /// <summary>
    /// Mirrors a request's topics and partitions into <paramref name="responseTopics"/> (one slot per
    /// requested partition, in request order). Partitions of unknown topics, or indexes outside the
    /// topic, get UNKNOWN_TOPIC_OR_PARTITION in their slot; the rest are returned for the handler to serve.
    /// </summary>
    public static List<Requested<TRequest, TSlot>> Resolve<TRequest, TSlot>(
        TopicRegistry topics,
        IEnumerable<TopicData<TRequest>> requestTopics,
        List<TopicData<TSlot>> responseTopics,
        Func<TRequest, int> partitionIndex,
        Func<TRequest, TSlot> newSlot,
        Action<TSlot, ErrorCode> setError)
        where TRequest : KafkaStruct, new()
        where TSlot : KafkaStruct, new()
    {
        var requested = new List<Requested<TRequest, TSlot>>();
        foreach (var topicRequest in requestTopics)
        {
            var topic = topics.Find(topicRequest.Name);
            var topicResponse = new TopicData<TSlot> { Name = topicRequest.Name };
            responseTopics.Add(topicResponse);
            foreach (var partition in topicRequest.Partitions)
            {
                var slot = newSlot(partition);
                topicResponse.Partitions.Add(slot);
                var index = partitionIndex(partition);
                if (topic is null || index < 0 || index >= topic.PartitionCount)
                {
                    setError(slot, ErrorCode.UnknownTopicOrPartition);
                }
                else
                {
                    requested.Add(new Requested<TRequest, TSlot>(new TopicPartition(topic.Name, index), partition, slot));
                }
            }
        }

        return requested;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for every item on the owner shard of its partition; results come
    /// back in the order of <paramref name="items"/>.
    /// </summary>
    public static async ValueTask<TResult[]> OnOwnersAsync<TItem, TResult>(
        PartitionManager partitions,
        IReadOnlyList<TItem> items,
        Func<TItem, TopicPartition> partitionOf,
        Func<PartitionManager, TItem, ValueTask<TResult>> work)
    {
        var results = new TResult[items.Count];
        var byOwner = new List<int>[partitions.ShardCount];
        for (var i = 0; i < items.Count; i++)
        {
            (byOwner[partitions.OwnerOf(partitionOf(items[i]))] ??= []).Add(i);
        }

        var pending = new List<Task>(byOwner.Length);
        for (var owner = 0; owner < byOwner.Length; owner++)
        {
            if (byOwner[owner] is { } indexes)
            {
                var batch = new OwnerBatch<TItem, TResult>(partitions, items, indexes, results, work);
                pending.Add(partitions.OnShardAsync(owner, batch, static b => b.RunAsync()).AsTask());
            }
        }

        await Task.WhenAll(pending);
        return results;
    }

    /// <summary>The items one owner shard handles; it writes only its own slots of the shared results array.</summary>
    private sealed class OwnerBatch<TItem, TResult>(
        PartitionManager partitions,
        IReadOnlyList<TItem> items,
        List<int> indexes,
        TResult[] results,
        Func<PartitionManager, TItem, ValueTask<TResult>> work)
    {
        public async ValueTask<bool> RunAsync()
        {
            // Start every partition's work before awaiting any, so appends of one request share a
            // write and an fdatasync on this shard (group commit).
            var started = new Task<TResult>[indexes.Count];
            for (var i = 0; i < indexes.Count; i++)
            {
                started[i] = work(partitions, items[indexes[i]]).AsTask();
            }

            for (var i = 0; i < indexes.Count; i++)
            {
                results[indexes[i]] = await started[i];
            }

            return true;
        }
    }
}
