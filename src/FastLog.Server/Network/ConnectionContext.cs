using System.Net;

namespace FastLog.Server.Network;

/// <summary>What a request handler may know about the connection its request came on.</summary>
internal sealed class ConnectionContext(long id, EndPoint? remote, int shardId)
{
    public long Id { get; } = id;

    public EndPoint? Remote { get; } = remote;

    /// <summary>The shard that owns the connection (and runs its handlers).</summary>
    public int ShardId { get; } = shardId;

    public override string ToString() => $"connection {Id} from {Remote}";
}
