namespace FastLog.Metadata.Image;

/// <summary>A registered broker as the metadata image holds it.</summary>
public sealed record BrokerRegistration(int BrokerId, long Incarnation, string KafkaHost, int KafkaPort, string GossipEndPoint, string? Rack, bool Fenced);
