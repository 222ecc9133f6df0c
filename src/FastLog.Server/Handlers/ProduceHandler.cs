using FastLog.Broker.Partitions;
using FastLog.Server.Requests;
using FastLog.Broker.Topics;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Handlers;

/// <summary>
/// Produce: each partition's batch is appended by its owner shard (topics auto-created when
/// allowed); zstd batches from versions before zstd existed are refused (<see cref="LegacyZstd"/>). acks=0 gets no response, but the handler still waits for the appends: the records are
/// slices of the request buffer, which must outlive the copy the log makes of them.
/// </summary>
internal sealed class ProduceHandler : ApiHandler<ProduceRequest>
{
    public override ApiKey ApiKey => ApiKey.Produce;

    private readonly record struct PartitionAppend(TopicPartition Partition, ReadOnlyMemory<byte> Records, short Acks, TimeSpan Timeout);

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ProduceRequest request)
    {
        var broker = context.Broker;
        var response = new ProduceResponse();
        var appends = new List<PartitionAppend>();
        var slots = new List<ProduceResponse.PartitionProduceResponse>();
        foreach (var topicData in request.TopicData)
        {
            var topicResponse = new TopicData<ProduceResponse.PartitionProduceResponse> { Name = topicData.Name };
            response.Responses.Add(topicResponse);
            var (topic, topicError) = await ResolveAsync(broker, topicData.Name);
            foreach (var partitionData in topicData.Partitions)
            {
                var slot = new ProduceResponse.PartitionProduceResponse { Index = partitionData.Index, BaseOffset = -1 };
                topicResponse.Partitions.Add(slot);
                if (request.Acks is not (-1 or 0 or 1))
                {
                    slot.ErrorCode = ErrorCode.InvalidRequiredAcks;
                }
                else if (topic is null)
                {
                    slot.ErrorCode = topicError;
                }
                else if (partitionData.Index < 0 || partitionData.Index >= topic.PartitionCount)
                {
                    slot.ErrorCode = ErrorCode.UnknownTopicOrPartition;
                }
                else if (broker.Coordinator is { } cluster && !cluster.LeadsHere(new TopicPartition(topic.Name, partitionData.Index)))
                {
                    slot.ErrorCode = ErrorCode.NotLeaderOrFollower;
                    broker.Partitions.RefusedBatches.Note(new TopicPartition(topic.Name, partitionData.Index), (partitionData.Records ?? default).Span, slot.ErrorCode);
                }
                else if (request.Acks == -1 && InSyncReplicas(broker, topic, partitionData.Index) < MinInSyncReplicas(broker, topic))
                {
                    // Kafka's check before the append: acks=all needs min.insync.replicas in-sync copies.
                    slot.ErrorCode = ErrorCode.NotEnoughReplicas;
                    broker.Partitions.RefusedBatches.Note(new TopicPartition(topic.Name, partitionData.Index), (partitionData.Records ?? default).Span, slot.ErrorCode);
                }
                else if (partitionData.Records is not { Length: > 0 } records)
                {
                    slot.ErrorCode = ErrorCode.InvalidRecord;
                    slot.ErrorMessage = "No records.";
                }
                else if (context.ApiVersion < LegacyZstd.FirstProduceVersion && LegacyZstd.StartsWithZstd(records.Span))
                {
                    slot.ErrorCode = ErrorCode.UnsupportedCompressionType;
                    slot.ErrorMessage = $"Produce v{context.ApiVersion} cannot carry zstd batches (v{LegacyZstd.FirstProduceVersion}+ can).";
                }
                else
                {
                    appends.Add(new PartitionAppend(new TopicPartition(topic.Name, partitionData.Index), records, request.Acks, TimeSpan.FromMilliseconds(request.TimeoutMs)));
                    slots.Add(slot);
                }
            }
        }

        var outcomes = await broker.Partitions.OnOwnersAsync(appends, a => a.Partition, AppendOnOwnerAsync);
        for (var i = 0; i < outcomes.Length; i++)
        {
            var (slot, outcome) = (slots[i], outcomes[i]);
            slot.ErrorCode = outcome.Error;
            slot.ErrorMessage = outcome.Message;
            slot.BaseOffset = outcome.BaseOffset;
            slot.LogAppendTimeMs = outcome.LogAppendTime;
            slot.LogStartOffset = outcome.LogStartOffset;
            broker.Partitions.RefusedBatches.Note(appends[i].Partition, appends[i].Records.Span, outcome.Error);
            if (outcome.Error is ErrorCode.OutOfOrderSequenceNumber or ErrorCode.UnknownProducerId or ErrorCode.InvalidProducerEpoch)
            {
                // Rare, and each makes an idempotent client bump its epoch and re-send what it holds:
                // the broker's side of any duplicate that follows must be in the log.
                broker.Loggers.CreateLogger<ProduceHandler>().LogInformation("{Partition}: produce from {Client} refused with {Error}: {Message}",
                    appends[i].Partition, context.Header.ClientId, outcome.Error, outcome.Message);
            }
        }

        if (broker.Coordinator is not null && context.ApiVersion >= ProduceResponse.FirstLeaderHintVersion)
        {
            TellCurrentLeaders(context, response);
        }

        return request.Acks == 0 ? null : response;
    }

    /// <summary>
    /// KIP-951: a partition refused because this broker does not lead it names the leader and epoch
    /// this broker knows (current_leader), and the response carries where those leaders are reached
    /// (node_endpoints), so the producer retries there without waiting for a metadata refresh.
    /// </summary>
    private static void TellCurrentLeaders(RequestContext context, ProduceResponse response)
    {
        var cluster = context.Broker.Coordinator!;
        var named = new HashSet<int>();
        foreach (var topic in response.Responses)
        {
            foreach (var slot in topic.Partitions.Where(p => p.ErrorCode == ErrorCode.NotLeaderOrFollower))
            {
                if (cluster.LeaderOf(new TopicPartition(topic.Name, slot.Index)) is not (>= 0 and var leader, var epoch))
                {
                    continue; // no leader known: nothing to point at
                }

                slot.CurrentLeader = new LeaderIdAndEpoch { LeaderId = leader, LeaderEpoch = epoch };
                named.Add(leader);
            }
        }

        response.NodeEndpoints.AddRange(ClusterBrokers.Brokers(context).Where(b => named.Contains(b.NodeId)));
    }

    /// <summary>The partition's ISR size: from the metadata image in a cluster; one (this node) on a single node.</summary>
    private static int InSyncReplicas(BrokerServices broker, TopicDescription topic, int partition) =>
        broker.Coordinator is { } cluster
            ? cluster.Image.TopicsById.GetValueOrDefault(topic.TopicId)?.Partitions.ElementAtOrDefault(partition)?.Isr.Length ?? 0
            : 1;

    private static int MinInSyncReplicas(BrokerServices broker, TopicDescription topic) =>
        int.Parse(broker.Topics.EffectiveConfig(topic, TopicConfigCatalog.MinInSyncReplicas), System.Globalization.CultureInfo.InvariantCulture);

    private static ValueTask<PartitionReplica.AppendOutcome> AppendOnOwnerAsync(PartitionManager partitions, PartitionAppend append)
    {
        var replica = partitions.FindOnOwner(append.Partition);
        return replica is null
            ? ValueTask.FromResult(new PartitionReplica.AppendOutcome(ErrorCode.LeaderNotAvailable, Message: "The partition is being opened or deleted."))
            : replica.AppendAsync(append.Records, append.Acks, append.Timeout);
    }

    private static async ValueTask<(TopicDescription? Topic, ErrorCode Error)> ResolveAsync(BrokerServices broker, string name)
    {
        try
        {
            var topic = await broker.TopicLifecycle.FindOrCreateAsync(name, allowAutoCreate: true);
            return (topic, topic is null ? ErrorCode.UnknownTopicOrPartition : ErrorCode.None);
        }
        catch (TopicRegistryException e)
        {
            return (null, TopicRegistryErrors.ForAutoCreation(e.Error));
        }
    }
}
