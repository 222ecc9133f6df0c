namespace FastLog.Protocol;

/// <summary>
/// The shape most APIs use for "per topic, per partition" data: a topic name and an array of
/// partition structs, then tagged fields. Kafka's schemas name it differently per API
/// (TopicData/PartitionData, Topics/Partitions, Responses/PartitionResponses) with the same bytes.
/// <code>
///   name STRING | partitions ARRAY[TPartition] | tagged fields (flexible)
/// </code>
/// </summary>
public sealed class TopicData<TPartition> : KafkaStruct
    where TPartition : KafkaStruct, new()
{
    public string Name = "";
    public List<TPartition> Partitions = [];

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref Name);
        codec.Array(ref Partitions);
    }
}
