using System.Collections.Immutable;

namespace FastLog.Metadata.Records;

/// <summary>A topic's config overrides changed: <see cref="Configs"/> is the whole new set.</summary>
public sealed record TopicConfigRecord(Guid TopicId, ImmutableSortedDictionary<string, string> Configs) : MetadataRecord
{
    public bool Equals(TopicConfigRecord? other) => other is not null && TopicId == other.TopicId && Configs.SequenceEqual(other.Configs);

    public override int GetHashCode() => TopicId.GetHashCode();

    public override MetadataRecordType Type => MetadataRecordType.TopicConfig;
}
