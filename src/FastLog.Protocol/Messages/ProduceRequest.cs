namespace FastLog.Protocol;

/// <summary>
/// Produce request (key 0), v3–9 (flexible from v9).
/// <code>
///   transactional_id NULLABLE_STRING | acks INT16 | timeout_ms INT32
///   | topic_data ARRAY[name STRING, partition_data ARRAY[index INT32, records NULLABLE RECORDS]]
/// </code>
/// Records are RecordBatch v2 bytes the codec does not parse. Read over a frame's memory they
/// are slices of that frame (no copy), valid only as long as the frame buffer is.
/// </summary>
public sealed class ProduceRequest : KafkaMessage<ProduceRequest>
{
    public string? TransactionalId;
    public short Acks;
    public int TimeoutMs;
    public List<TopicData<PartitionProduceData>> TopicData = [];

    public override ApiKey ApiKey => ApiKey.Produce;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.NullableString(ref TransactionalId);
        codec.Int16(ref Acks);
        codec.Int32(ref TimeoutMs);
        codec.Array(ref TopicData);
    }

    public sealed class PartitionProduceData : KafkaStruct
    {
        public int Index;
        public ReadOnlyMemory<byte>? Records;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref Index);
            codec.Records(ref Records);
        }
    }
}
