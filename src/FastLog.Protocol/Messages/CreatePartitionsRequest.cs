namespace FastLog.Protocol;

/// <summary>
/// CreatePartitions request (key 37), v0–3 (flexible from v2).
/// <code>
///   topics ARRAY[name STRING, count INT32, assignments NULLABLE ARRAY[broker_ids ARRAY[INT32]]]
///   | timeout_ms INT32 | validate_only BOOL
/// </code>
/// </summary>
public sealed class CreatePartitionsRequest : KafkaMessage<CreatePartitionsRequest>
{
    public List<CreatePartitionsTopic> Topics = [];
    public int TimeoutMs;
    public bool ValidateOnly;

    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Array(ref Topics);
        codec.Int32(ref TimeoutMs);
        codec.Bool(ref ValidateOnly);
    }

    public sealed class CreatePartitionsTopic : KafkaStruct
    {
        public string Name = "";
        public int Count;
        public List<CreatePartitionsAssignment>? Assignments;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Int32(ref Count);
            codec.NullableArray(ref Assignments);
        }
    }

    public sealed class CreatePartitionsAssignment : KafkaStruct
    {
        public List<int> BrokerIds = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32Array(ref BrokerIds);
        }
    }
}
