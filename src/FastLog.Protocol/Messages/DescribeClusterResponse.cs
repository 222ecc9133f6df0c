namespace FastLog.Protocol;

/// <summary>
/// DescribeCluster response (key 60), v0–1 (always flexible).
/// <code>
///   throttle_time_ms INT32 | error_code INT16 | error_message NULLABLE_STRING | endpoint_type INT8 (v1+)
///   | cluster_id STRING | controller_id INT32 | brokers ARRAY[BrokerEndpoint]
///   | cluster_authorized_operations INT32
/// </code>
/// </summary>
public sealed class DescribeClusterResponse : KafkaMessage<DescribeClusterResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public string? ErrorMessage;
    public sbyte EndpointType = 1;
    public string ClusterId = "";
    public int ControllerId = -1;
    public List<BrokerEndpoint> Brokers = [];
    public int ClusterAuthorizedOperations = MetadataResponse.AuthorizedOperationsOmitted;

    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        codec.NullableString(ref ErrorMessage);
        if (codec.Version >= 1)
            codec.Int8(ref EndpointType);
        codec.String(ref ClusterId);
        codec.Int32(ref ControllerId);
        codec.Array(ref Brokers);
        codec.Int32(ref ClusterAuthorizedOperations);
    }
}
