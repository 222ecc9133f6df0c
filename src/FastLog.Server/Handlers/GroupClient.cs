using System.Net;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>How group members are described (DescribeGroups): the client id and host of the connection that joined.</summary>
internal static class GroupClient
{
    public static string ClientId(RequestContext context) => context.Header.ClientId ?? "";

    /// <summary>Kafka's form: "/" and the address.</summary>
    public static string ClientHost(RequestContext context) =>
        context.Connection.Remote is IPEndPoint ip ? $"/{ip.Address}" : "/" + context.Connection.Remote;
}
