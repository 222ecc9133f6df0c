namespace FastLog.Protocol;

/// <summary>
/// A broker as Metadata and DescribeCluster list it, and as Produce v10+ names a current leader's address (node_endpoints).
/// <code>
///   node_id INT32 | host STRING | port INT32 | rack NULLABLE_STRING (Metadata v1+, every DescribeCluster version) | tagged fields (flexible)
/// </code>
/// </summary>
public sealed class BrokerEndpoint : KafkaStruct
{
    /// <summary>Metadata v0's broker: no rack field (never flexible, so no tagged fields either).</summary>
    internal static readonly FieldMapper<BrokerEndpoint> WithoutRack = static (ref KafkaCodec codec, ref BrokerEndpoint broker) =>
    {
        broker ??= new BrokerEndpoint();
        broker.MapAddress(ref codec);
    };

    public int NodeId;
    public string Host = "";
    public int Port;
    public string? Rack;

    internal override void Map(ref KafkaCodec codec)
    {
        MapAddress(ref codec);
        codec.NullableString(ref Rack);
    }

    private void MapAddress(ref KafkaCodec codec)
    {
        codec.Int32(ref NodeId);
        codec.String(ref Host);
        codec.Int32(ref Port);
    }
}
