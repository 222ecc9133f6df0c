namespace FastLog.Metadata.Records;

/// <summary>A broker is fenced (gossip declared it Dead or Left: it leads nothing, is in no ISR) or unfenced (alive again).</summary>
public sealed record BrokerFencingRecord(int BrokerId, bool Fenced) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.BrokerFencing;
}
