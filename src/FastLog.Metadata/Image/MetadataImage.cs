using System.Collections.Immutable;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Image;

/// <summary>
/// The cluster's metadata at one point of the quorum log: brokers, topics with their partitions,
/// and the next free producer id. Immutable: <see cref="Apply"/> returns a new image sharing what
/// did not change, so an image handed to a shard is read without locks while the next one is built.
/// </summary>
public sealed class MetadataImage
{
    public static readonly MetadataImage Empty = new(
        0,
        ImmutableSortedDictionary<int, BrokerRegistration>.Empty,
        ImmutableSortedDictionary.Create<string, TopicImage>(StringComparer.Ordinal),
        ImmutableDictionary<Guid, TopicImage>.Empty,
        0);

    private MetadataImage(long offset, ImmutableSortedDictionary<int, BrokerRegistration> brokers, ImmutableSortedDictionary<string, TopicImage> topicsByName, ImmutableDictionary<Guid, TopicImage> topicsById, long nextProducerId)
    {
        Offset = offset;
        Brokers = brokers;
        TopicsByName = topicsByName;
        TopicsById = topicsById;
        NextProducerId = nextProducerId;
    }

    /// <summary>The quorum log index of the last entry applied (0: nothing yet).</summary>
    public long Offset { get; }

    public ImmutableSortedDictionary<int, BrokerRegistration> Brokers { get; }

    public ImmutableSortedDictionary<string, TopicImage> TopicsByName { get; }

    public ImmutableDictionary<Guid, TopicImage> TopicsById { get; }

    /// <summary>The first producer id not yet handed to any broker.</summary>
    public long NextProducerId { get; }

    /// <summary>Registered brokers that are not fenced: those that may lead and be in an ISR.</summary>
    public IEnumerable<BrokerRegistration> LiveBrokers => Brokers.Values.Where(b => !b.Fenced);

    public bool IsLive(int brokerId) => Brokers.TryGetValue(brokerId, out var broker) && !broker.Fenced;

    /// <summary>The image after <paramref name="records"/> (one quorum log entry, at <paramref name="offset"/>).</summary>
    public MetadataImage Apply(IEnumerable<MetadataRecord> records, long offset)
    {
        var brokers = Brokers;
        var byName = TopicsByName;
        var byId = TopicsById;
        var nextProducerId = NextProducerId;
        foreach (var record in records)
        {
            switch (record)
            {
                case RegisterBrokerRecord r:
                    brokers = brokers.SetItem(r.BrokerId, new BrokerRegistration(r.BrokerId, r.Incarnation, r.KafkaHost, r.KafkaPort, r.GossipEndPoint, r.Rack, Fenced: true));
                    break;
                case BrokerFencingRecord r when brokers.TryGetValue(r.BrokerId, out var broker):
                    brokers = brokers.SetItem(r.BrokerId, broker with { Fenced = r.Fenced });
                    break;
                case UnregisterBrokerRecord r:
                    brokers = brokers.Remove(r.BrokerId);
                    break;
                case TopicRecord r:
                    var created = new TopicImage(r.Name, r.TopicId, r.Configs, []);
                    (byName, byId) = (byName.SetItem(r.Name, created), byId.SetItem(r.TopicId, created));
                    break;
                case PartitionRecord r when byId.TryGetValue(r.TopicId, out var topic):
                    var partitions = r.Partition < topic.Partitions.Count
                        ? topic.Partitions.SetItem(r.Partition, PartitionImage.From(r))
                        : r.Partition == topic.Partitions.Count
                            ? topic.Partitions.Add(PartitionImage.From(r))
                            : throw new InvalidOperationException($"partition {r.Partition} of topic {topic.Name} comes before partition {topic.Partitions.Count}");
                    var withPartition = topic with { Partitions = partitions };
                    (byName, byId) = (byName.SetItem(topic.Name, withPartition), byId.SetItem(topic.TopicId, withPartition));
                    break;
                case TopicConfigRecord r when byId.TryGetValue(r.TopicId, out var topic):
                    var reconfigured = topic with { Configs = r.Configs };
                    (byName, byId) = (byName.SetItem(topic.Name, reconfigured), byId.SetItem(topic.TopicId, reconfigured));
                    break;
                case RemoveTopicRecord r when byId.TryGetValue(r.TopicId, out var topic):
                    (byName, byId) = (byName.Remove(topic.Name), byId.Remove(topic.TopicId));
                    break;
                case ProducerIdsRecord r:
                    nextProducerId = Math.Max(nextProducerId, r.FirstId + r.Count);
                    break;
                default:
                    // A change to a broker or topic the image no longer has (deleted meanwhile): nothing to change.
                    break;
            }
        }

        return new MetadataImage(offset, brokers, byName, byId, nextProducerId);
    }

    /// <summary>
    /// The records that rebuild this image from <see cref="Empty"/> (the quorum's snapshot):
    /// brokers with their fencing, topics with their partitions, the producer-id watermark.
    /// </summary>
    public IReadOnlyList<MetadataRecord> ToRecords()
    {
        var records = new List<MetadataRecord>();
        foreach (var b in Brokers.Values)
        {
            records.Add(new RegisterBrokerRecord(b.BrokerId, b.Incarnation, b.KafkaHost, b.KafkaPort, b.GossipEndPoint, b.Rack));
            if (!b.Fenced)
            {
                records.Add(new BrokerFencingRecord(b.BrokerId, Fenced: false));
            }
        }

        foreach (var topic in TopicsByName.Values)
        {
            records.Add(new TopicRecord(topic.Name, topic.TopicId, topic.Configs));
            records.AddRange(topic.Partitions.Select(p => p.ToRecord(topic.TopicId)));
        }

        if (NextProducerId > 0)
        {
            // An empty block at the watermark: brokers' own blocks below it are spent or held by them.
            records.Add(new ProducerIdsRecord(PartitionRecord.NoLeader, NextProducerId, 0));
        }

        return records;
    }
}
