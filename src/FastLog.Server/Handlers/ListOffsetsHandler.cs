using FastLog.Broker.Partitions;
using FastLog.Server.Requests;
using FastLog.Protocol;
using FastLog.Records;
using FastLog.Storage;

namespace FastLog.Server.Handlers;

/// <summary>
/// ListOffsets: earliest (-2), latest (-1), MAX_TIMESTAMP (-3, v7+: the first record with the
/// largest timestamp), or the first record whose timestamp is at or after the given one. Like
/// Kafka's ReplicaManager, a negative timestamp the request's version does not define (-3 before
/// v7; -4 EARLIEST_LOCAL and -5 LATEST_TIERED need v8 and v9, which are not advertised) gets
/// UNSUPPORTED_VERSION, and a partition named twice gets INVALID_REQUEST. Lookups run on the owner
/// shard: the log finds the batch from its indexes, then the record is found inside it.
/// </summary>
internal sealed class ListOffsetsHandler : ApiHandler<ListOffsetsRequest>
{
    private const long MaxTimestampSpec = -3;

    /// <summary>The first version that defines MAX_TIMESTAMP (KIP-734).</summary>
    private const short MaxTimestampVersion = 7;

    public override ApiKey ApiKey => ApiKey.ListOffsets;

    private readonly record struct Lookup(TopicPartition Partition, long Timestamp);

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ListOffsetsRequest request)
    {
        var broker = context.Broker;
        var response = new ListOffsetsResponse();
        var requested = PartitionRequests.Resolve(broker, request.Topics, response.Topics, p => p.PartitionIndex,
            p => new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = p.PartitionIndex }, (slot, error) => slot.ErrorCode = error, p => p.CurrentLeaderEpoch);
        var duplicates = requested.GroupBy(r => r.Partition).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var lookups = new List<Lookup>();
        var slots = new List<ListOffsetsResponse.ListOffsetsPartitionResponse>();
        foreach (var (partition, entry, slot) in requested)
        {
            if (duplicates.Contains(partition))
            {
                slot.ErrorCode = ErrorCode.InvalidRequest;
            }
            else if (!IsSupported(entry.Timestamp, context.ApiVersion))
            {
                slot.ErrorCode = ErrorCode.UnsupportedVersion;
            }
            else
            {
                lookups.Add(new Lookup(partition, entry.Timestamp));
                slots.Add(slot);
            }
        }

        var found = await broker.Partitions.OnOwnersAsync(lookups, l => l.Partition, LookUpOnOwnerAsync);
        for (var i = 0; i < found.Length; i++)
        {
            (slots[i].ErrorCode, slots[i].Offset, slots[i].Timestamp) = found[i];
            slots[i].LeaderEpoch = found[i].Offset >= 0 ? 0 : -1;
        }

        return response;
    }

    /// <summary>Kafka's rule: any timestamp &gt;= 0; -1 and -2 from v1; -3 from v7; nothing else (this broker serves up to v7).</summary>
    private static bool IsSupported(long timestamp, short version) =>
        timestamp >= 0
        || timestamp is ListOffsetsRequest.LatestTimestamp or ListOffsetsRequest.EarliestTimestamp
        || (timestamp == MaxTimestampSpec && version >= MaxTimestampVersion);

    private static async ValueTask<(ErrorCode Error, long Offset, long Timestamp)> LookUpOnOwnerAsync(PartitionManager partitions, Lookup lookup)
    {
        if (partitions.FindOnOwner(lookup.Partition) is not { } replica)
        {
            return (ErrorCode.NotLeaderOrFollower, -1, -1);
        }

        if (replica.OfflineReason is not null)
        {
            return (ErrorCode.KafkaStorageError, -1, -1);
        }

        var log = replica.Log;
        try
        {
            var hit = lookup.Timestamp switch
            {
                ListOffsetsRequest.LatestTimestamp => (log.HighWatermark, -1),
                ListOffsetsRequest.EarliestTimestamp => (log.LogStartOffset, -1),
                MaxTimestampSpec => await FindMaxTimestampAsync(log),
                _ => await FindByTimestampAsync(log, lookup.Timestamp),
            };
            return (ErrorCode.None, hit.Offset, hit.Timestamp);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return (StorageErrors.ToErrorCode(e), -1, -1);
        }
    }

    /// <summary>
    /// The first record at or after LogStartOffset whose timestamp is &gt;= <paramref name="timestamp"/>
    /// (Kafka's LogSegment.findOffsetByTimestamp), or (-1, -1). A batch whose records cannot be read
    /// here (snappy, lz4, zstd) answers with its first offset and MaxTimestamp: the record is in it.
    /// </summary>
    private static async ValueTask<(long Offset, long Timestamp)> FindByTimestampAsync(PartitionLog log, long timestamp)
    {
        var records = new List<(long Offset, long Timestamp)>();
        var from = log.LogStartOffset;
        while (await log.ReadBatchByTimestampAsync(timestamp, from) is { } batch)
        {
            var header = RecordBatchHeader.Read(batch);
            from = Math.Max(from, log.LogStartOffset);
            if (!ListOffsetsRecordTimestamps.TryRead(batch, records))
            {
                return (Math.Max(header.BaseOffset, from), header.MaxTimestamp);
            }

            foreach (var record in records)
            {
                if (record.Offset >= from && record.Timestamp >= timestamp)
                {
                    return record;
                }
            }

            // Only deleted records of this batch qualified: go on after it.
            from = header.LastOffset + 1;
        }

        return (-1, -1);
    }

    /// <summary>
    /// MAX_TIMESTAMP: the first record at or after LogStartOffset with the largest timestamp, or (-1, -1)
    /// for a log without one. Kafka answers from its segments' maxTimestampSoFar and the matching
    /// batch's records, which may name a record below LogStartOffset after DeleteRecords; here deleted
    /// records never count. A batch whose records cannot be read here counts as its first visible
    /// offset with its MaxTimestamp.
    /// </summary>
    private static async ValueTask<(long Offset, long Timestamp)> FindMaxTimestampAsync(PartitionLog log)
    {
        var logStart = log.LogStartOffset;
        var records = new List<(long Offset, long Timestamp)>();
        (long Offset, long Timestamp) best = (-1, -1);
        foreach (var batch in await log.ReadMaxTimestampBatchesAsync())
        {
            if (!ListOffsetsRecordTimestamps.TryRead(batch, records))
            {
                var header = RecordBatchHeader.Read(batch);
                records.Add((Math.Max(header.BaseOffset, logStart), header.MaxTimestamp));
            }

            foreach (var record in records)
            {
                // Strictly larger: the first record wins a tie, as in Kafka.
                if (record.Offset >= logStart && record.Timestamp > best.Timestamp)
                {
                    best = record;
                }
            }
        }

        return best;
    }
}
