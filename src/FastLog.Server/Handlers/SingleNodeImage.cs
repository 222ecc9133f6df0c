using System.Collections.Immutable;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// The metadata image a single node (no quorum) stands for: itself, registered and live, and every
/// topic of its registry with each partition on this node alone, in sync and led by it. The
/// controller's decisions run against it, so a single node answers the controller APIs with the
/// same checks and Kafka error codes as a cluster, and what a cluster would change is already so.
/// </summary>
internal static class SingleNodeImage
{
    public static MetadataImage Of(BrokerServices broker)
    {
        var node = broker.Options.NodeId;
        var records = new List<MetadataRecord> { new RegisterBrokerRecord(node, 0, "", 0, "", null), new BrokerFencingRecord(node, Fenced: false) };
        foreach (var topic in broker.Topics.Current.ByName.Values)
        {
            records.Add(new TopicRecord(topic.Name, topic.TopicId, ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)));
            records.AddRange(Enumerable.Range(0, topic.PartitionCount).Select(p => new PartitionRecord(topic.TopicId, p, [node], [node], node, 0, 0)));
        }

        return MetadataImage.Empty.Apply(records, 1);
    }
}
