using FastLog.Broker.Partitions;

namespace FastLog.Broker.Handlers;

/// <summary>
/// Fans per-partition work out to the partitions' owner shards and gathers the results in request
/// order: one cross-shard message per owner (not per partition), all owners working in parallel.
/// </summary>
internal static class PartitionRequests
{
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
