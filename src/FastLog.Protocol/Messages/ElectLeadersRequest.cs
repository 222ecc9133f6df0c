namespace FastLog.Protocol;

/// <summary>
/// ElectLeaders request (key 43), v0–2 (flexible from v2): elect the preferred replica, or
/// (v1+, KIP-460) any live replica of a partition without an in-sync leader.
/// <code>
///   election_type INT8 (v1+; 0 = preferred, 1 = unclean)
///   | topic_partitions NULLABLE ARRAY[topic STRING, partitions ARRAY[INT32]] (null = every partition)
///   | timeout_ms INT32
/// </code>
/// </summary>
public sealed class ElectLeadersRequest : KafkaMessage<ElectLeadersRequest>
{
    public sbyte ElectionType;
    public List<TopicPartitions>? Topics = [];
    public int TimeoutMs = 60000;

    public override ApiKey ApiKey => ApiKey.ElectLeaders;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int8(ref ElectionType);
        codec.NullableArray(ref Topics);
        codec.Int32(ref TimeoutMs);
    }

    public sealed class TopicPartitions : KafkaStruct
    {
        public string Topic = "";
        public List<int> Partitions = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Topic);
            codec.Int32Array(ref Partitions);
        }
    }
}
