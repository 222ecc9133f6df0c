namespace FastLog.Protocol;

/// <summary>
/// A broker as Metadata (v1+) and DescribeCluster list it.
/// <code>
///   node_id INT32 | host STRING | port INT32 | rack NULLABLE_STRING | tagged fields (flexible)
/// </code>
/// </summary>
public sealed class BrokerEndpoint : KafkaStruct
{
    public int NodeId;
    public string Host = "";
    public int Port;
    public string? Rack;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref NodeId);
        codec.String(ref Host);
        codec.Int32(ref Port);
        codec.NullableString(ref Rack);
    }
}
