using System.Net;

namespace FastLog.Cluster;

/// <summary>A decoded gossip datagram (see <see cref="GossipCodec"/> for the layout).</summary>
internal sealed class GossipMessage
{
    public required GossipMessageType Type { get; init; }

    public required int SenderId { get; init; }

    /// <summary>Where to answer: carried in the message, so the receive path needs no recvfrom.</summary>
    public required IPEndPoint SenderEndPoint { get; init; }

    /// <summary>Probe sequence (Ping, Ack, PingReq); 0 for Sync.</summary>
    public required uint Sequence { get; init; }

    /// <summary>PingReq only: the member to probe.</summary>
    public int TargetId { get; init; }

    /// <summary>PingReq only: the member's gossip address.</summary>
    public IPEndPoint? TargetEndPoint { get; init; }

    /// <summary>Sync only: the sender wants our full state back.</summary>
    public bool ReplyWanted { get; init; }

    /// <summary>Piggybacked updates (Ping, Ack, PingReq) or state (Sync).</summary>
    public required IReadOnlyList<MemberRecord> Records { get; init; }
}
