using FastLog.Broker.Partitions;
using FastLog.Protocol;
using FastLog.Server.Requests;
using Result = FastLog.Protocol.OffsetForLeaderEpochResponse.OffsetForLeaderPartitionResult;

namespace FastLog.Server.Handlers;

/// <summary>
/// OffsetForLeaderEpoch (KIP-101, KIP-320): the end offset of a leader epoch in each partition's
/// log, with the epoch it belongs to (the latest epoch at or below the one asked), from the log's
/// leader epoch cache on the owner shard. As in Kafka's ReplicaManager: the partition is resolved
/// as for Fetch (the current leader epoch fences, UNKNOWN_TOPIC_OR_PARTITION for a topic or index
/// that does not exist, NOT_LEADER_OR_FOLLOWER elsewhere); an offline log answers
/// KAFKA_STORAGE_ERROR; an epoch the log does not know (-1, newer than the latest, or any epoch on
/// a single node, whose batches carry none) answers NONE with leader epoch -1 and end offset -1.
/// </summary>
internal sealed class OffsetForLeaderEpochHandler : ApiHandler<OffsetForLeaderEpochRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, OffsetForLeaderEpochRequest request)
    {
        var broker = context.Broker;
        var response = new OffsetForLeaderEpochResponse();
        var requested = PartitionRequests.Resolve(broker, request.Topics, response.Topics, p => p.Partition,
            p => new Result { Partition = p.Partition }, (slot, error) => slot.ErrorCode = error, p => p.CurrentLeaderEpoch);
        var found = await broker.Partitions.OnOwnersAsync(requested, r => r.Partition,
            static (partitions, r) => ValueTask.FromResult(LookUpOnOwner(partitions, r.Partition, r.Request.LeaderEpoch)));
        for (var i = 0; i < found.Length; i++)
        {
            var slot = requested[i].Slot;
            (slot.ErrorCode, slot.LeaderEpoch, slot.EndOffset) = found[i];
        }

        return response;
    }

    private static (ErrorCode Error, int Epoch, long EndOffset) LookUpOnOwner(PartitionManager partitions, TopicPartition partition, int leaderEpoch)
    {
        if (partitions.FindOnOwner(partition) is not { } replica)
        {
            return (ErrorCode.NotLeaderOrFollower, -1, -1);
        }

        if (replica.OfflineReason is not null)
        {
            return (ErrorCode.KafkaStorageError, -1, -1);
        }

        try
        {
            var (epoch, endOffset) = replica.EndOffsetForEpoch(leaderEpoch);
            // Kafka's UnifiedLog: an undefined end offset is "no answer", sent as both undefined.
            return endOffset < 0 ? (ErrorCode.None, -1, -1) : (ErrorCode.None, epoch, endOffset);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return (StorageErrors.ToErrorCode(e), -1, -1);
        }
    }
}
