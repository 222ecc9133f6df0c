using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Metadata.Image;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// Metadata: the brokers and controller (<see cref="ClusterBrokers"/>) and the requested topics
/// (null = all), auto-created when allowed. In a cluster each partition's leader, leader epoch,
/// replicas, ISR and offline (fenced) replicas come from the committed metadata image, with
/// LEADER_NOT_AVAILABLE where no in-sync replica is alive; on a single node this node leads all.
/// </summary>
internal sealed class MetadataHandler : ApiHandler<MetadataRequest>
{
    public override ApiKey ApiKey => ApiKey.Metadata;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, MetadataRequest request)
    {
        var broker = context.Broker;
        var response = new MetadataResponse
        {
            Brokers = ClusterBrokers.Brokers(context),
            ClusterId = broker.Options.ClusterId,
            ControllerId = ClusterBrokers.ControllerId(context),
        };

        if (request.Topics is null)
        {
            response.Topics.AddRange(broker.Topics.Current.ByName.Values.Select(t => Describe(broker, t)));
            return response;
        }

        foreach (var requested in request.Topics)
        {
            response.Topics.Add(await DescribeRequestedAsync(broker, requested, request.AllowAutoTopicCreation));
        }

        return response;
    }

    private static async ValueTask<MetadataResponse.MetadataResponseTopic> DescribeRequestedAsync(BrokerServices broker, MetadataRequest.MetadataRequestTopic requested, bool allowAutoCreate)
    {
        if (requested.Name is null)
        {
            // v10+: a topic asked for by id only.
            return broker.Topics.Find(requested.TopicId) is { } byId
                ? Describe(broker, byId)
                : new MetadataResponse.MetadataResponseTopic { ErrorCode = ErrorCode.UnknownTopicId, TopicId = requested.TopicId };
        }

        try
        {
            var topic = await broker.TopicLifecycle.FindOrCreateAsync(requested.Name, allowAutoCreate);
            return topic is null
                ? new MetadataResponse.MetadataResponseTopic { ErrorCode = ErrorCode.UnknownTopicOrPartition, Name = requested.Name }
                : Describe(broker, topic);
        }
        catch (TopicRegistryException e)
        {
            return new MetadataResponse.MetadataResponseTopic { ErrorCode = TopicRegistryErrors.ForAutoCreation(e.Error), Name = requested.Name };
        }
    }

    private static MetadataResponse.MetadataResponseTopic Describe(BrokerServices broker, TopicDescription topic)
    {
        var node = broker.Options.NodeId;
        var described = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            IsInternal = topic.IsInternal,
        };
        if (broker.Coordinator is { } coordinator)
        {
            DescribeFromImage(coordinator.Image, topic, described);
            return described;
        }

        for (var p = 0; p < topic.PartitionCount; p++)
        {
            described.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                PartitionIndex = p,
                LeaderId = node,
                LeaderEpoch = 0,
                ReplicaNodes = [node],
                IsrNodes = [node],
            });
        }

        return described;
    }

    private static void DescribeFromImage(MetadataImage image, TopicDescription topic, MetadataResponse.MetadataResponseTopic described)
    {
        image.TopicsById.TryGetValue(topic.TopicId, out var committed);
        for (var p = 0; p < topic.PartitionCount; p++)
        {
            if (committed is null || p >= committed.Partitions.Count)
            {
                // The registry is ahead of this shard's image by a moment: ask again.
                described.Partitions.Add(new MetadataResponse.MetadataResponsePartition { PartitionIndex = p, ErrorCode = ErrorCode.LeaderNotAvailable, LeaderId = -1 });
                continue;
            }

            var partition = committed.Partitions[p];
            described.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = partition.HasLeader ? ErrorCode.None : ErrorCode.LeaderNotAvailable,
                PartitionIndex = p,
                LeaderId = partition.Leader,
                LeaderEpoch = partition.LeaderEpoch,
                ReplicaNodes = [.. partition.Replicas],
                IsrNodes = [.. partition.Isr],
                OfflineReplicas = partition.Replicas.Where(r => !image.IsLive(r)).ToList(),
            });
        }
    }
}
