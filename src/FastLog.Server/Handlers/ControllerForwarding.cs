using FastLog.Metadata.Controller;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// Topic changes only the controller may make (create, delete, grow, reconfigure), sent to any
/// broker of a cluster, as KRaft brokers do: a broker that is not the controller forwards the
/// request as it came (same API version) to the controller's inter-broker listener and returns
/// the controller's answer. When no controller answers (an election that outlasts the forwarding
/// timeout), the broker handles the request itself, which answers NOT_CONTROLLER: clients retry.
/// </summary>
internal static class ControllerForwarding
{
    /// <summary>The controller's response, or null when this broker should handle the request (a single node, the controller itself, or no controller reachable).</summary>
    public static async ValueTask<TResponse?> TryForwardAsync<TResponse>(RequestContext context, KafkaMessage request)
        where TResponse : KafkaMessage, new()
    {
        if (context.Broker.Coordinator is not { IsController: false } cluster)
        {
            return null;
        }

        try
        {
            return await cluster.ForwardToControllerAsync<TResponse>(request, context.ApiVersion);
        }
        catch (ControllerException)
        {
            return null;
        }
    }
}
