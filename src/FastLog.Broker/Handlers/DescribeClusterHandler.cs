using FastLog.Broker.Requests;
using FastLog.Protocol;

namespace FastLog.Broker.Handlers;

/// <summary>
/// DescribeCluster: the cluster id and this node, at its advertised address, as the only broker
/// and the controller. A single node serves both endpoint types, so v1's endpoint_type is echoed.
/// </summary>
internal sealed class DescribeClusterHandler : ApiHandler<DescribeClusterRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DescribeClusterRequest request)
    {
        var broker = context.Broker;
        return ValueTask.FromResult<KafkaMessage?>(new DescribeClusterResponse
        {
            EndpointType = request.EndpointType,
            ClusterId = broker.Options.ClusterId,
            ControllerId = broker.Options.NodeId,
            Brokers = [BrokerIdentity.Endpoint(broker)],
        });
    }
}
