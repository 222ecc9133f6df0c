namespace FastLog.Protocol;

/// <summary>
/// OffsetDelete request (key 47), v0 (never flexible).
/// <code>
///   group_id STRING | topics ARRAY[name STRING, partitions ARRAY[partition_index INT32]]
/// </code>
/// </summary>
public sealed class OffsetDeleteRequest : KafkaMessage<OffsetDeleteRequest>
{
    public string GroupId = "";
    public List<TopicPartitionIndexes> Topics = [];

    public override ApiKey ApiKey => ApiKey.OffsetDelete;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref GroupId);
        codec.Array(ref Topics);
    }
}
