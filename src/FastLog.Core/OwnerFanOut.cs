namespace FastLog.Core;

/// <summary>
/// Fans work on a request's items (partitions, groups) out to the shards that own them and gathers
/// the results in item order: one cross-shard message per owner, not per item, and every owner
/// working in parallel. Produce, fetch, list-offsets, delete-records and the group coordinator
/// all reach their owners through it.
///
/// Concurrency protocol: the caller's thread groups the items and starts one message per owner;
/// each owner shard writes only the result slots of its own items, and the caller reads the array
/// only after awaiting every owner (Task completion orders those writes before the reads).
/// </summary>
public static class OwnerFanOut
{
    /// <summary>Indexes of <paramref name="items"/> by owner shard, in item order; null for a shard that owns none.</summary>
    public static List<int>?[] GroupByOwner<TItem>(IReadOnlyList<TItem> items, Func<TItem, int> ownerOf, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(ownerOf);
        var byOwner = new List<int>?[shardCount];
        for (var i = 0; i < items.Count; i++)
        {
            (byOwner[ownerOf(items[i])] ??= []).Add(i);
        }

        return byOwner;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for every item on its owner shard; results come back in the
    /// order of <paramref name="items"/>. On each owner every item's work is started before any is
    /// awaited, so the appends of one request share a write and an fdatasync there (group commit).
    /// </summary>
    public static async ValueTask<TResult[]> RunAsync<TState, TItem, TResult>(
        ShardGroup shards,
        IReadOnlyList<TItem> items,
        Func<TItem, int> ownerOf,
        TState state,
        Func<TState, TItem, ValueTask<TResult>> work)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var results = new TResult[items.Count];
        var byOwner = GroupByOwner(items, ownerOf, shards.Count);
        var pending = new List<Task>(byOwner.Length);
        for (var owner = 0; owner < byOwner.Length; owner++)
        {
            if (byOwner[owner] is { } indexes)
            {
                var batch = new OwnerBatch<TState, TItem, TResult>(items, indexes, results, state, work);
                pending.Add(shards.SubmitAsync(owner, batch, static b => b.RunAsync()).AsTask());
            }
        }

        // Resume on the caller's shard (its synchronization context): handlers continue there.
        await Task.WhenAll(pending).ConfigureAwait(true);
        return results;
    }

    /// <summary>The items one owner shard handles; it writes only its own slots of the shared results array.</summary>
    private sealed class OwnerBatch<TState, TItem, TResult>(
        IReadOnlyList<TItem> items,
        List<int> indexes,
        TResult[] results,
        TState state,
        Func<TState, TItem, ValueTask<TResult>> work)
    {
        public async ValueTask<bool> RunAsync()
        {
            var started = new Task<TResult>[indexes.Count];
            for (var i = 0; i < indexes.Count; i++)
            {
                started[i] = work(state, items[indexes[i]]).AsTask();
            }

            for (var i = 0; i < indexes.Count; i++)
            {
                results[indexes[i]] = await started[i].ConfigureAwait(true);
            }

            return true;
        }
    }
}
