using FastLog.Server.Network;
using FastLog.Protocol;

namespace FastLog.Server.Requests;

/// <summary>One request being handled: its header, the connection it came on, and the broker's services.</summary>
internal sealed class RequestContext(RequestHeader header, ConnectionContext connection, BrokerServices broker)
{
    public RequestHeader Header { get; } = header;

    public short ApiVersion => Header.ApiVersion;

    public ConnectionContext Connection { get; } = connection;

    public BrokerServices Broker { get; } = broker;

    /// <summary>Disposables whose lifetime is the response's (log read leases): released after it is sent.</summary>
    public List<IDisposable> ResponseResources { get; } = [];
}
