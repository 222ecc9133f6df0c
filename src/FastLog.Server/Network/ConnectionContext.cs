using System.Net;

namespace FastLog.Server.Network;

/// <summary>What a request handler may know about the connection its request came on.</summary>
internal sealed class ConnectionContext(long id, EndPoint? remote, int shardId, ListenerEndpoint listener)
{
    public long Id { get; } = id;

    public EndPoint? Remote { get; } = remote;

    /// <summary>The shard that owns the connection (and runs its handlers).</summary>
    public int ShardId { get; } = shardId;

    /// <summary>The listener the connection came in through: what the broker advertises to it.</summary>
    public ListenerEndpoint Listener { get; } = listener;

    public override string ToString() => $"connection {Id} from {Remote} on {Listener.Name}";
}
