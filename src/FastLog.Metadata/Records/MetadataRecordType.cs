namespace FastLog.Metadata.Records;

/// <summary>The kinds of metadata records. The values are stored in the quorum's log: never renumber.</summary>
public enum MetadataRecordType : byte
{
    RegisterBroker = 1,
    BrokerFencing = 2,
    UnregisterBroker = 3,
    Topic = 4,
    Partition = 5,
    RemoveTopic = 6,
    TopicConfig = 7,
    ProducerIds = 8,
}
