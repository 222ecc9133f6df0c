namespace FastLog.Metadata.Controller;

/// <summary>What gossip says about one broker, as the controller reads it.</summary>
/// <param name="BrokerId">The broker's node id.</param>
/// <param name="Incarnation">Gossip's incarnation of it.</param>
/// <param name="KafkaHost">Host of its inter-broker Kafka endpoint.</param>
/// <param name="KafkaPort">Port of that endpoint.</param>
/// <param name="GossipEndPoint">Its gossip address, "host:port".</param>
/// <param name="Rack">Its broker.rack, or null.</param>
/// <param name="Alive">Gossip's Alive (a Suspect is neither alive nor gone: the controller waits).</param>
/// <param name="Gone">Gossip's Dead or Left.</param>
public sealed record MemberStatus(int BrokerId, long Incarnation, string KafkaHost, int KafkaPort, string GossipEndPoint, string? Rack, bool Alive, bool Gone);
