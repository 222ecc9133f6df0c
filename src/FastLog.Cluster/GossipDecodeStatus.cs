namespace FastLog.Cluster;

/// <summary>What <see cref="GossipCodec.TryDecode"/> made of a datagram; everything but Ok is dropped and counted.</summary>
public enum GossipDecodeStatus
{
    Ok,

    /// <summary>Too short, wrong magic, bad checksum, truncated or inconsistent fields.</summary>
    Malformed,

    /// <summary>Well framed, but a protocol version this node does not speak.</summary>
    UnsupportedVersion,

    /// <summary>Sent by a node of another cluster (different cluster id).</summary>
    ForeignCluster,
}
