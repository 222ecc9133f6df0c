namespace FastLog.Metadata.Records;

/// <summary>A topic was deleted, with all its partitions.</summary>
public sealed record RemoveTopicRecord(Guid TopicId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RemoveTopic;
}
