using FastLog.Broker.Partitions;
using FastLog.Broker.Requests;
using FastLog.Protocol;

namespace FastLog.Broker.Handlers;

/// <summary>
/// ListOffsets: earliest (-2), latest (-1) or the first offset whose timestamp is at or after the
/// given one (time index lookup on the owner shard). MAX_TIMESTAMP (-3) is refused with
/// INVALID_REQUEST: the log does not track which batch holds the largest timestamp.
/// </summary>
internal sealed class ListOffsetsHandler : ApiHandler<ListOffsetsRequest>
{
    private const long MaxTimestampSpec = -3;

    public override ApiKey ApiKey => ApiKey.ListOffsets;

    private readonly record struct Lookup(TopicPartition Partition, long Timestamp);

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ListOffsetsRequest request)
    {
        var broker = context.Broker;
        var response = new ListOffsetsResponse();
        var requested = PartitionRequests.Resolve(broker.Topics, request.Topics, response.Topics, p => p.PartitionIndex,
            p => new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = p.PartitionIndex }, (slot, error) => slot.ErrorCode = error);
        var lookups = new List<Lookup>();
        var slots = new List<ListOffsetsResponse.ListOffsetsPartitionResponse>();
        foreach (var (partition, entry, slot) in requested)
        {
            if (entry.Timestamp <= MaxTimestampSpec)
            {
                slot.ErrorCode = ErrorCode.InvalidRequest;
            }
            else
            {
                lookups.Add(new Lookup(partition, entry.Timestamp));
                slots.Add(slot);
            }
        }

        var found = await PartitionRequests.OnOwnersAsync(broker.Partitions, lookups, l => l.Partition, LookUpOnOwnerAsync);
        for (var i = 0; i < found.Length; i++)
        {
            (slots[i].ErrorCode, slots[i].Offset, slots[i].Timestamp) = found[i];
            slots[i].LeaderEpoch = 0;
        }

        return response;
    }

    private static async ValueTask<(ErrorCode Error, long Offset, long Timestamp)> LookUpOnOwnerAsync(PartitionManager partitions, Lookup lookup)
    {
        if (partitions.FindOnOwner(lookup.Partition) is not { } replica)
        {
            return (ErrorCode.NotLeaderOrFollower, -1, -1);
        }

        var log = replica.Log;
        switch (lookup.Timestamp)
        {
            case ListOffsetsRequest.LatestTimestamp:
                return (ErrorCode.None, log.HighWatermark, -1);
            case ListOffsetsRequest.EarliestTimestamp:
                return (ErrorCode.None, log.LogStartOffset, -1);
        }

        try
        {
            return await log.FindOffsetByTimestampAsync(lookup.Timestamp) is { } hit
                ? (ErrorCode.None, hit.Offset, hit.Timestamp)
                : (ErrorCode.None, -1, -1);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return (StorageErrors.ToErrorCode(e), -1, -1);
        }
    }
}
