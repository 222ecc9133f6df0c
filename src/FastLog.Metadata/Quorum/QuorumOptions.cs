using System.Net;

namespace FastLog.Metadata.Quorum;

/// <summary>How this broker takes part in the metadata quorum.</summary>
public sealed record QuorumOptions
{
    public required int NodeId { get; init; }

    /// <summary>Every voter by node id with its Raft TCP address (Kafka's controller.quorum.voters); must include this node.</summary>
    public required IReadOnlyDictionary<int, IPEndPoint> Voters { get; init; }

    /// <summary>The address this node's Raft server binds (its own voters entry, or a wildcard with the same port).</summary>
    public required IPEndPoint BindEndPoint { get; init; }

    /// <summary>Where the quorum's write-ahead log and snapshots live ({data-dir}/__cluster_metadata).</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Raft's election timeout range. DotNext's default (150–300 ms) suits idle machines; on a
    /// loaded 2-core host a shard-pinned broker, the GC and the clients can delay a heartbeat by
    /// hundreds of milliseconds, and every spurious election stalls topic creation and failover,
    /// so FastLog waits 1–2 s (heartbeats every 500 ms), as KRaft's 1 s fetch timeout / 2 s election timeout.
    /// </summary>
    public TimeSpan LowerElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    public TimeSpan UpperElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(2000);
}
