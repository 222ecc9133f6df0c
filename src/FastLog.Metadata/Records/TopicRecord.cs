using System.Collections.Immutable;

namespace FastLog.Metadata.Records;

/// <summary>A topic was created, with its id and its config overrides; its partitions follow as <see cref="PartitionRecord"/>s in the same entry.</summary>
public sealed record TopicRecord(string Name, Guid TopicId, ImmutableSortedDictionary<string, string> Configs) : MetadataRecord
{
    public bool Equals(TopicRecord? other) => other is not null && Name == other.Name && TopicId == other.TopicId && Configs.SequenceEqual(other.Configs);

    public override int GetHashCode() => TopicId.GetHashCode();

    public override MetadataRecordType Type => MetadataRecordType.Topic;
}
