using System.Net;

namespace FastLog.Cluster;

/// <summary>
/// How a <see cref="GossipNode"/> sends datagrams: UDP on the gossip shard's io_uring in production
/// (<see cref="UdpGossipTransport"/>), an in-memory network in tests. Fire and forget, like UDP:
/// the protocol tolerates loss. The datagram span is only valid during the call.
/// </summary>
internal interface IGossipTransport
{
    void Send(IPEndPoint destination, ReadOnlySpan<byte> datagram);
}
