namespace FastLog.Metadata.Records;

/// <summary>A broker was decommissioned: it leaves the broker list (it must hold no replicas).</summary>
public sealed record UnregisterBrokerRecord(int BrokerId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.UnregisterBroker;
}
