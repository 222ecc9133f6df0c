namespace FastLog.Cluster;

/// <summary>The message kinds of the gossip protocol; the values are on the wire.</summary>
internal enum GossipMessageType : byte
{
    /// <summary>Direct probe; answered by <see cref="Ack"/> with the same sequence.</summary>
    Ping = 1,

    /// <summary>Answer to a ping (or, relayed by an intermediary, to a ping-req).</summary>
    Ack = 2,

    /// <summary>"Ping the target for me": the receiver pings it and relays the ack.</summary>
    PingReq = 3,

    /// <summary>Full state (possibly one chunk of it); with reply-wanted the receiver answers with its own (push-pull).</summary>
    Sync = 4,
}
