using FastLog.Server.Requests;
using FastLog.Protocol;
using Result = FastLog.Protocol.DeleteRecordsResponse.DeleteRecordsPartitionResult;

namespace FastLog.Server.Handlers;

/// <summary>
/// DeleteRecords: moves each partition's LogStartOffset (low watermark) up to the given offset
/// (-1 = the high watermark) on its owner shard; whole segments below it are deleted. Offsets past
/// the high watermark get OFFSET_OUT_OF_RANGE.
/// </summary>
internal sealed class DeleteRecordsHandler : ApiHandler<DeleteRecordsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteRecords;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DeleteRecordsRequest request)
    {
        var broker = context.Broker;
        var response = new DeleteRecordsResponse();
        var deletions = PartitionRequests.Resolve(broker, request.Topics, response.Topics, p => p.PartitionIndex,
            p => new Result { PartitionIndex = p.PartitionIndex, LowWatermark = -1 }, (slot, error) => slot.ErrorCode = error);
        var done = await broker.Partitions.OnOwnersAsync(deletions, d => d.Partition,
            static (partitions, d) => partitions.DeleteRecordsOnOwnerAsync(d.Partition, d.Request.Offset));
        for (var i = 0; i < done.Length; i++)
        {
            (deletions[i].Slot.ErrorCode, deletions[i].Slot.LowWatermark) = done[i];
        }

        return response;
    }
}
