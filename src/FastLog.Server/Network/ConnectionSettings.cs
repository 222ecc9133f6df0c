using FastLog.Broker.Configuration;

namespace FastLog.Server.Network;

/// <summary>What a connection is held to, from <see cref="BrokerOptions"/>.</summary>
internal sealed record ConnectionSettings(int MaxRequestBytes, long IdleTimeoutMs, long RequestReadTimeoutMs, int MaxConnections, int DescriptorReserve)
{
    public static ConnectionSettings From(BrokerOptions options) =>
        new(options.MaxRequestBytes, options.ConnectionsMaxIdleMs, options.RequestReadTimeoutMs, options.MaxConnections, options.FileDescriptorReserve);
}
