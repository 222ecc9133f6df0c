using System.Diagnostics;
using FastLog.Broker.Coordination;
using FastLog.Broker.Partitions;
using FastLog.Broker.Replication;
using FastLog.Server.Requests;
using FastLog.Core;
using FastLog.Protocol;
using FastLog.Storage;
using FastLog.Storage.Read;

namespace FastLog.Server.Handlers;

/// <summary>
/// Fetch, long-polling without holding any shard: each owner shard reads its partitions and, when
/// there is less than min_bytes and max_wait_ms allows, parks a <see cref="FetchWaiter"/> that an
/// append, the deadline timer or the fetching shard wakes. With partitions on several owners, the
/// first owner that returns records ends the others' waits. Records are not copied: tail-cache
/// chunks and segment file ranges are spliced into the response (<see cref="LogRecordsPayload"/>).
/// Approximation: min_bytes is compared per owner shard, not summed across owners.
/// Incremental fetch sessions are not offered (session id 0), so clients send full fetches.
/// Fetches older than v10 never get zstd batches (<see cref="LegacyZstd"/>). A follower's fetch
/// (replica_id set) reads up to the log end rather than the high watermark, reports the follower's
/// progress to the partition (which moves the high watermark) and is told where it diverged.
/// </summary>
internal sealed class FetchHandler : ApiHandler<FetchRequest>
{
    public override ApiKey ApiKey => ApiKey.Fetch;

    /// <summary>One partition to read; <paramref name="ReplicaId"/> &gt;= 0 for a follower's fetch (KIP-320's last fetched epoch with it, -1 when unknown).</summary>
    private readonly record struct FetchItem(TopicPartition Partition, long Offset, int MaxBytes, int ReplicaId, int LastFetchedEpoch);

    /// <summary>What one partition answers; <paramref name="Diverging"/> tells a follower where its log left the leader's.</summary>
    private readonly record struct PartitionRead(ErrorCode Error, LogReadResult? Read, long HighWatermark, long LogStartOffset, (int Epoch, long EndOffset)? Diverging = null);

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, FetchRequest request)
    {
        var broker = context.Broker;
        var response = new FetchResponse();
        if (request.SessionId != 0 && request.SessionEpoch > 0)
        {
            response.ErrorCode = ErrorCode.FetchSessionIdNotFound;
            return response;
        }

        var requested = PartitionRequests.Resolve(broker, request.Topics, response.Responses, p => p.Partition,
            p => new FetchResponse.PartitionData { PartitionIndex = p.Partition, HighWatermark = -1, Records = Empty }, (slot, error) => slot.ErrorCode = error, p => p.CurrentLeaderEpoch);
        if (broker.Coordinator is { } cluster)
        {
            TellCurrentLeaders(cluster, response);
        }

        var items = requested.Select(r => new FetchItem(r.Partition, r.Request.FetchOffset, Math.Min(r.Request.PartitionMaxBytes, request.MaxBytes), request.ReplicaId, r.Request.LastFetchedEpoch)).ToList();
        var slots = requested.Select(r => r.Slot).ToList();
        var deadline = Stopwatch.GetTimestamp() + (Math.Max(request.MaxWaitMs, 0) * Stopwatch.Frequency / 1000);
        var reads = await ReadAsync(broker.Partitions, items, Math.Max(request.MinBytes, 1), deadline);
        var budget = request.MaxBytes;
        var anyRecords = false;
        for (var i = 0; i < reads.Length; i++)
        {
            var (slot, read) = (slots[i], reads[i]);
            slot.ErrorCode = read.Error;
            slot.HighWatermark = read.HighWatermark;
            slot.LastStableOffset = read.HighWatermark;
            slot.LogStartOffset = read.LogStartOffset;
            if (read.Diverging is { } diverging)
            {
                slot.DivergingEpoch = new FetchResponse.EpochEndOffset { Epoch = diverging.Epoch, EndOffset = diverging.EndOffset };
            }

            if (read.Read is not { } result)
            {
                continue;
            }

            if (context.ApiVersion < LegacyZstd.FirstFetchVersion && result.Length > 0 && await RefusesZstdAsync(slot, result))
            {
                result.Dispose();
                continue;
            }

            // response max_bytes: always return the first non-empty partition whole (so a consumer
            // can make progress past a batch larger than the limit), then stop once over budget.
            if (result.Length == 0 || (anyRecords && result.Length > budget))
            {
                result.Dispose();
                continue;
            }

            var payload = new LogRecordsPayload(result);
            context.ResponseResources.Add(payload);
            slot.Records = payload;
            budget -= result.Length;
            anyRecords = true;
        }

        return response;
    }

    private static readonly MemoryRecords Empty = new(ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// KIP-951: a partition refused for leadership (not the leader here, or a stale epoch) names the
    /// leader and epoch this broker knows in current_leader (a tagged field from v12), so the client
    /// can go there without waiting for a metadata refresh.
    /// </summary>
    private static void TellCurrentLeaders(ClusterCoordinator cluster, FetchResponse response)
    {
        foreach (var topic in response.Responses)
        {
            foreach (var slot in topic.Partitions.Where(p => p.ErrorCode is ErrorCode.NotLeaderOrFollower or ErrorCode.FencedLeaderEpoch))
            {
                var (leader, epoch) = cluster.LeaderOf(new TopicPartition(topic.Name, slot.PartitionIndex));
                slot.CurrentLeader = new LeaderIdAndEpoch { LeaderId = leader, LeaderEpoch = epoch };
            }
        }
    }

    /// <summary>
    /// A fetch older than zstd gets Kafka's answer for a partition it cannot decode: the error
    /// alone, no records and offsets unknown (-1). False, with the slot untouched, when no batch is zstd.
    /// </summary>
    private static async ValueTask<bool> RefusesZstdAsync(FetchResponse.PartitionData slot, LogReadResult result)
    {
        ErrorCode error;
        try
        {
            error = await LegacyZstd.ContainsZstdAsync(result) ? ErrorCode.UnsupportedCompressionType : ErrorCode.None;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            error = StorageErrors.ToErrorCode(e);
        }

        if (error == ErrorCode.None)
        {
            return false;
        }

        slot.ErrorCode = error;
        slot.HighWatermark = slot.LastStableOffset = slot.LogStartOffset = -1;
        return true;
    }

    /// <summary>
    /// Reads every item on its owner shard, long-polling until min_bytes or the deadline; results in
    /// item order. Not <see cref="PartitionManager.OnOwnersAsync"/>: the first owner with records
    /// calls off the others' long-polls, so each owner's part is an object the fetch can reach again.
    /// </summary>
    private static async ValueTask<PartitionRead[]> ReadAsync(PartitionManager partitions, List<FetchItem> items, int minBytes, long deadline)
    {
        var results = new PartitionRead[items.Count];
        var byOwner = OwnerFanOut.GroupByOwner(items, item => partitions.OwnerOf(item.Partition), partitions.Shards.Count);
        var owners = new Dictionary<int, OwnerFetch>();
        for (var owner = 0; owner < byOwner.Length; owner++)
        {
            if (byOwner[owner] is { } indexes)
            {
                owners[owner] = new OwnerFetch(partitions, indexes, indexes.ConvertAll(i => items[i]), minBytes, deadline);
            }
        }

        var running = owners.ToDictionary(o => partitions.OnShardAsync(o.Key, o.Value, static f => f.RunAsync()).AsTask(), o => o);
        if (running.Count > 1)
        {
            var first = await Task.WhenAny(running.Keys);
            foreach (var (task, (owner, fetch)) in running)
            {
                if (task != first)
                {
                    await partitions.OnShardAsync(owner, fetch, static f => f.CallOffAsync());
                }
            }
        }

        foreach (var (task, (_, fetch)) in running)
        {
            var reads = await task;
            for (var i = 0; i < reads.Length; i++)
            {
                results[fetch.Indexes[i]] = reads[i];
            }
        }

        return results;
    }

    /// <summary>The part of a fetch one owner shard serves; <see cref="RunAsync"/> and <see cref="CallOffAsync"/> run on that shard.</summary>
    private sealed class OwnerFetch(PartitionManager partitions, List<int> indexes, List<FetchItem> items, int minBytes, long deadline)
    {
        private readonly List<FetchItem> _items = items;
        private readonly FetchWaiter _waiter = new();

        /// <summary>Where this owner's reads go in the request's item order.</summary>
        public List<int> Indexes { get; } = indexes;

        public ValueTask<bool> CallOffAsync()
        {
            _waiter.CallOff();
            return ValueTask.FromResult(true);
        }

        public async ValueTask<PartitionRead[]> RunAsync()
        {
            var replicas = _items.Select(i => partitions.FindOnOwner(i.Partition)).ToArray();
            while (true)
            {
                var reads = await ReadOnceAsync(replicas);
                var remaining = deadline - Stopwatch.GetTimestamp();
                if (_waiter.CalledOff || remaining <= 0 || reads.Any(r => r.Error != ErrorCode.None || r.Diverging is not null) || reads.Sum(r => r.Read?.Length ?? 0) >= minBytes)
                {
                    return reads;
                }

                foreach (var read in reads)
                {
                    read.Read?.Dispose();
                }

                await WaitForRecordsAsync(replicas, TimeSpan.FromTicks(remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }
        }

        private async Task WaitForRecordsAsync(PartitionReplica?[] replicas, TimeSpan timeout)
        {
            foreach (var replica in replicas)
            {
                replica?.AddWaiter(_waiter);
            }

            var timer = Shard.Current!.ScheduleTimer(timeout, static w => ((FetchWaiter)w!).Wake(), _waiter);
            await _waiter.Woken;
            timer.Cancel();
            foreach (var replica in replicas)
            {
                replica?.RemoveWaiter(_waiter);
            }

            _waiter.Rearm();
        }

        private async ValueTask<PartitionRead[]> ReadOnceAsync(PartitionReplica?[] replicas)
        {
            var reads = new PartitionRead[replicas.Length];
            for (var i = 0; i < replicas.Length; i++)
            {
                reads[i] = replicas[i] is { } replica
                    ? await ReadPartitionAsync(replica, _items[i])
                    : new PartitionRead(ErrorCode.NotLeaderOrFollower, null, -1, -1);
            }

            return reads;
        }

        private static async ValueTask<PartitionRead> ReadPartitionAsync(PartitionReplica replica, FetchItem item)
        {
            if (replica.OfflineReason is not null)
            {
                // Its disk failed (log.dirs): nothing read from it can be trusted, as in Kafka.
                return new PartitionRead(ErrorCode.KafkaStorageError, null, -1, -1);
            }

            if (item.ReplicaId >= 0 && FollowerDivergence(replica, item) is { } diverging)
            {
                return new PartitionRead(ErrorCode.None, null, replica.Log.HighWatermark, replica.Log.LogStartOffset, diverging);
            }

            try
            {
                // A follower reads up to the log end, since it is what moves the high watermark; consumers up to the high watermark.
                var read = item.ReplicaId >= 0
                    ? await replica.Log.ReadAsync(item.Offset, item.MaxBytes, long.MaxValue)
                    : await replica.Log.ReadAsync(item.Offset, item.MaxBytes);
                return new PartitionRead(ErrorCode.None, read, read.HighWatermark, read.LogStartOffset);
            }
            catch (LogOffsetOutOfRangeException e)
            {
                return new PartitionRead(ErrorCode.OffsetOutOfRange, null, e.HighWatermark, e.LogStartOffset);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                return new PartitionRead(StorageErrors.ToErrorCode(e), null, replica.Log.HighWatermark, replica.Log.LogStartOffset);
            }
        }

        /// <summary>
        /// A follower's fetch: first KIP-320's check. When this log's end for the follower's last
        /// fetched epoch is a different epoch or lies below the fetch offset, the follower holds
        /// records the leader does not: it gets that (epoch, end offset) as diverging_epoch, no
        /// records, and truncates before fetching again. Only a fetch that does not diverge counts
        /// as the follower's progress (its fetch offset is its log end): a diverged log's end says
        /// nothing about what it shares with the leader, and counting it let a stale former leader
        /// rejoin the ISR, lead again, and truncate acknowledged records away on the others.
        /// </summary>
        private static (int Epoch, long EndOffset)? FollowerDivergence(PartitionReplica replica, FetchItem item)
        {
            if (LogDivergence.Check(replica, item.LastFetchedEpoch, item.Offset) is { } diverging)
            {
                return diverging;
            }

            replica.RecordFollowerFetch(item.ReplicaId, item.Offset, Environment.TickCount64);
            return null;
        }
    }
}
