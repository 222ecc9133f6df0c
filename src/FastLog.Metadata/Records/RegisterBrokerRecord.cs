namespace FastLog.Metadata.Records;

/// <summary>
/// A broker joined (or came back with a new incarnation or address). It starts fenced: the
/// controller unfences it in a separate record once gossip shows it alive.
/// </summary>
/// <param name="BrokerId">The broker's node id.</param>
/// <param name="Incarnation">Gossip's incarnation of the broker when registered; a restart shows as a new one.</param>
/// <param name="KafkaHost">Host of its inter-broker Kafka endpoint (what Metadata tells clients on that listener).</param>
/// <param name="KafkaPort">Port of that endpoint.</param>
/// <param name="GossipEndPoint">The broker's gossip UDP address, "host:port".</param>
/// <param name="Rack">Its broker.rack, or null.</param>
public sealed record RegisterBrokerRecord(int BrokerId, long Incarnation, string KafkaHost, int KafkaPort, string GossipEndPoint, string? Rack) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RegisterBroker;
}
