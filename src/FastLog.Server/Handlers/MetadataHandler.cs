using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// Metadata: this node as the only broker, controller and leader of every partition, at the
/// address advertised for the listener the client connected to; the requested topics (null = all), auto-created when allowed.
/// </summary>
internal sealed class MetadataHandler : ApiHandler<MetadataRequest>
{
    public override ApiKey ApiKey => ApiKey.Metadata;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, MetadataRequest request)
    {
        var broker = context.Broker;
        var response = new MetadataResponse
        {
            Brokers = [BrokerIdentity.Endpoint(context)],
            ClusterId = broker.Options.ClusterId,
            ControllerId = broker.Options.NodeId,
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
        catch (TopicRegistryException e) when (e.Error is TopicRegistryError.InvalidName or TopicRegistryError.StorageFailure)
        {
            return new MetadataResponse.MetadataResponseTopic { ErrorCode = TopicRegistryErrors.ToErrorCode(e.Error), Name = requested.Name };
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
}
