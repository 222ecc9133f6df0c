using System.Net;
using FastLog.Broker.Configuration;

namespace FastLog.Server.Network;

/// <summary>
/// A bound Kafka listener as its connections see it: its name, the address it listens on (the
/// kernel's port when it asked for 0), and the address advertised to clients that connected to it
/// (Kafka's rule: a client is always sent back to the listener it came in through). Immutable.
/// </summary>
internal sealed record ListenerEndpoint(string Name, IPEndPoint LocalEndPoint, HostPort Advertised)
{
    public override string ToString() => $"{LocalEndPoint} ({Name}, advertised {Advertised})";
}
