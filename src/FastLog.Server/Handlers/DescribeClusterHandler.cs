using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// DescribeCluster: the cluster id, the brokers and the controller, as <see cref="ClusterBrokers"/>
/// tells them. A node serves both endpoint types, so v1's endpoint_type is echoed.
/// </summary>
internal sealed class DescribeClusterHandler : ApiHandler<DescribeClusterRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DescribeClusterRequest request) =>
        ValueTask.FromResult<KafkaMessage?>(new DescribeClusterResponse
        {
            EndpointType = request.EndpointType,
            ClusterId = context.Broker.Options.ClusterId,
            ControllerId = ClusterBrokers.ControllerId(context),
            Brokers = ClusterBrokers.Brokers(context),
        });
}
