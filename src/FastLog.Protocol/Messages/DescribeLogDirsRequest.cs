namespace FastLog.Protocol;

/// <summary>
/// DescribeLogDirs request (key 35), v0–4 (flexible from v2; v1, v3 and v4 only change the response).
/// <code>
///   topics NULLABLE ARRAY[topic STRING, partitions ARRAY[INT32]] (null = every partition)
/// </code>
/// </summary>
public sealed class DescribeLogDirsRequest : KafkaMessage<DescribeLogDirsRequest>
{
    public List<TopicPartitionIndexes>? Topics = [];

    public override ApiKey ApiKey => ApiKey.DescribeLogDirs;

    internal override void Map(ref KafkaCodec codec) => codec.NullableArray(ref Topics);
}
