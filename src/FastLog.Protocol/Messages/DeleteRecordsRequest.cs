namespace FastLog.Protocol;

/// <summary>
/// DeleteRecords request (key 21), v0–2 (flexible from v2).
/// <code>
///   topics ARRAY[name STRING, partitions ARRAY[partition_index INT32, offset INT64]] | timeout_ms INT32
/// </code>
/// </summary>
public sealed class DeleteRecordsRequest : KafkaMessage<DeleteRecordsRequest>
{
    public List<TopicData<DeleteRecordsPartition>> Topics = [];
    public int TimeoutMs;

    public override ApiKey ApiKey => ApiKey.DeleteRecords;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Array(ref Topics);
        codec.Int32(ref TimeoutMs);
    }

    public sealed class DeleteRecordsPartition : KafkaStruct
    {
        public int PartitionIndex;
        public long Offset;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int64(ref Offset);
        }
    }
}
