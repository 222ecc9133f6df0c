namespace FastLog.Protocol;

/// <summary>
/// OffsetFetch request (key 9), v0–8 (flexible from v6).
/// <code>
///   v0–7: group_id STRING | topics ARRAY[TopicPartitionIndexes] (nullable v2+, null = all)
///   v8:   groups ARRAY[group_id STRING, topics NULLABLE ARRAY[TopicPartitionIndexes]]
///   | require_stable BOOL (v7+)
/// </code>
/// </summary>
public sealed class OffsetFetchRequest : KafkaMessage<OffsetFetchRequest>
{
    public string GroupId = "";
    public List<TopicPartitionIndexes>? Topics = [];
    public List<OffsetFetchRequestGroup> Groups = [];
    public bool RequireStable;

    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version <= 7)
        {
            codec.String(ref GroupId);
            codec.NullableArray(ref Topics, nullable: codec.Version >= 2);
        }
        else
        {
            codec.Array(ref Groups);
        }

        if (codec.Version >= 7)
            codec.Bool(ref RequireStable);
    }

    public sealed class OffsetFetchRequestGroup : KafkaStruct
    {
        public string GroupId = "";
        public List<TopicPartitionIndexes>? Topics = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref GroupId);
            codec.NullableArray(ref Topics);
        }
    }
}
