using System.Net;
using System.Text;

namespace FastLog.Cluster;

/// <summary>
/// Who this node is and the protocol's parameters. Defaults follow SWIM as tuned by HashiCorp's
/// memberlist for a LAN (1 s protocol period, 500 ms ping timeout, 3 indirect probes, suspicion
/// multiplier 4 up to 6× that while unconfirmed, retransmit multiplier 4, 30 s full state sync,
/// 1400-byte datagrams).
/// </summary>
public sealed record GossipOptions
{
    /// <summary>Datagrams never exceed this (below a typical 1500-byte MTU minus IP/UDP headers).</summary>
    public const int DefaultMaxDatagramBytes = 1400;

    /// <summary>Every message carries it; messages of another cluster are dropped, so two clusters never merge.</summary>
    public required string ClusterId { get; init; }

    /// <summary>This broker's node.id.</summary>
    public required int NodeId { get; init; }

    /// <summary>The gossip UDP address other nodes reach this node at (carried in every message).</summary>
    public required IPEndPoint GossipEndPoint { get; init; }

    /// <summary>The Kafka endpoint this broker advertises to clients.</summary>
    public required string KafkaHost { get; init; }

    public required int KafkaPort { get; init; }

    /// <summary>Kafka's broker.rack; null when unset.</summary>
    public string? Rack { get; init; }

    /// <summary>Gossip addresses to join through (full state exchange at start, retried while alone).</summary>
    public IReadOnlyList<IPEndPoint> Seeds { get; init; } = [];

    /// <summary>One probe per period (SWIM's T').</summary>
    public TimeSpan ProtocolPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a direct ping waits for its ack before asking <see cref="IndirectChecks"/> members to try.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>SWIM's k: members asked to ping an unresponsive target on our behalf.</summary>
    public int IndirectChecks { get; init; } = 3;

    /// <summary>Suspicion timeout = this × max(1, log10(live members)) × <see cref="ProtocolPeriod"/>.</summary>
    public int SuspicionMultiplier { get; init; } = 4;

    /// <summary>Lifeguard: an unconfirmed suspicion waits this × the suspicion timeout; each independent suspector shortens it.</summary>
    public int SuspicionMaxMultiplier { get; init; } = 6;

    /// <summary>SWIM's λ: each update is piggybacked this × ceil(log10(members + 1)) times.</summary>
    public int RetransmitMultiplier { get; init; } = 4;

    /// <summary>How often state is exchanged in full with a random member (and a dead one, to heal partitions).</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxDatagramBytes { get; init; } = DefaultMaxDatagramBytes;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ClusterId);
        RequireShortUtf8(ClusterId, "cluster id");
        ArgumentException.ThrowIfNullOrEmpty(KafkaHost);
        RequireShortUtf8(KafkaHost, "Kafka host");
        if (Rack is not null)
        {
            RequireShortUtf8(Rack, "rack");
        }

        if (GossipEndPoint.Address.Equals(IPAddress.Any) || GossipEndPoint.Address.Equals(IPAddress.IPv6Any) || GossipEndPoint.Port == 0)
        {
            throw new ArgumentException($"the gossip address {GossipEndPoint} must be one other nodes can reach (not a wildcard address or port 0)");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)KafkaPort, 65535u, nameof(KafkaPort));
        ArgumentOutOfRangeException.ThrowIfLessThan(ProtocolPeriod, TimeSpan.FromMilliseconds(10));
        if (PingTimeout <= TimeSpan.Zero || PingTimeout >= ProtocolPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(PingTimeout), PingTimeout, "Must be positive and shorter than the protocol period (the indirect probes need the rest of it).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(IndirectChecks);
        ArgumentOutOfRangeException.ThrowIfLessThan(SuspicionMultiplier, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SuspicionMaxMultiplier, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetransmitMultiplier, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SyncInterval, ProtocolPeriod);
        // The largest header plus the largest record must fit in one datagram (see GossipCodec).
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramBytes, GossipCodec.MinimumDatagramBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramBytes, 65507);
    }

    private static void RequireShortUtf8(string value, string what)
    {
        if (Encoding.UTF8.GetByteCount(value) > GossipCodec.MaxStringBytes)
        {
            throw new ArgumentException($"the {what} is longer than {GossipCodec.MaxStringBytes} UTF-8 bytes");
        }
    }
}
