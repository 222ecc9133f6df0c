namespace FastLog.Protocol;

/// <summary>
/// DescribeCluster request (key 60), v0–1 (always flexible).
/// <code>
///   include_cluster_authorized_operations BOOL | endpoint_type INT8 (v1+, 1 = brokers, 2 = controllers)
/// </code>
/// </summary>
public sealed class DescribeClusterRequest : KafkaMessage<DescribeClusterRequest>
{
    public bool IncludeClusterAuthorizedOperations;
    public sbyte EndpointType = 1;

    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Bool(ref IncludeClusterAuthorizedOperations);
        if (codec.Version >= 1)
            codec.Int8(ref EndpointType);
    }
}
