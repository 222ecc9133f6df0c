namespace FastLog.Protocol;

/// <summary>
/// A topic name and a list of partition indexes (Fetch forgotten topics, OffsetFetch and
/// OffsetDelete requests).
/// <code>
///   name STRING | partition_indexes ARRAY[INT32] | tagged fields (flexible)
/// </code>
/// OffsetDelete (never flexible) declares its partitions as structs of one INT32, which is the
/// same bytes.
/// </summary>
public sealed class TopicPartitionIndexes : KafkaStruct
{
    public string Name = "";
    public List<int> PartitionIndexes = [];

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref Name);
        codec.Int32Array(ref PartitionIndexes);
    }
}
