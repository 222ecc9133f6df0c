namespace FastLog.Metadata.Records;

/// <summary>A block of producer ids [FirstId, FirstId + Count) was handed to a broker; the next block starts after it.</summary>
public sealed record ProducerIdsRecord(int BrokerId, long FirstId, int Count) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.ProducerIds;
}
