using FastLog.Broker.Partitions;
using FastLog.Broker.Requests;
using FastLog.Protocol;
using Result = FastLog.Protocol.DeleteRecordsResponse.DeleteRecordsPartitionResult;

namespace FastLog.Broker.Handlers;

/// <summary>
/// DeleteRecords: moves each partition's LogStartOffset (low watermark) up to the given offset
/// (-1 = the high watermark) on its owner shard; whole segments below it are deleted. Offsets past
/// the high watermark get OFFSET_OUT_OF_RANGE.
/// </summary>
internal sealed class DeleteRecordsHandler : ApiHandler<DeleteRecordsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteRecords;

    private readonly record struct Deletion(TopicPartition Partition, long Offset);

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DeleteRecordsRequest request)
    {
        var broker = context.Broker;
        var response = new DeleteRecordsResponse();
        var deletions = new List<Deletion>();
        var slots = new List<Result>();
        foreach (var topicRequest in request.Topics)
        {
            var topic = broker.Topics.Find(topicRequest.Name);
            var topicResponse = new TopicData<Result> { Name = topicRequest.Name };
            response.Topics.Add(topicResponse);
            foreach (var partition in topicRequest.Partitions)
            {
                var slot = new Result { PartitionIndex = partition.PartitionIndex, LowWatermark = -1 };
                topicResponse.Partitions.Add(slot);
                if (topic is null || partition.PartitionIndex < 0 || partition.PartitionIndex >= topic.PartitionCount)
                {
                    slot.ErrorCode = ErrorCode.UnknownTopicOrPartition;
                }
                else
                {
                    deletions.Add(new Deletion(new TopicPartition(topic.Name, partition.PartitionIndex), partition.Offset));
                    slots.Add(slot);
                }
            }
        }

        var done = await PartitionRequests.OnOwnersAsync(broker.Partitions, deletions, d => d.Partition,
            static (partitions, d) => partitions.DeleteRecordsOnOwnerAsync(d.Partition, d.Offset));
        for (var i = 0; i < done.Length; i++)
        {
            (slots[i].ErrorCode, slots[i].LowWatermark) = done[i];
        }

        return response;
    }
}
