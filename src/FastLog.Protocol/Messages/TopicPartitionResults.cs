namespace FastLog.Protocol;

/// <summary>A topic name and its partitions' results (ElectLeaders and AlterPartitionReassignments responses).</summary>
public sealed class TopicPartitionResults : KafkaStruct
{
    public string Name = "";
    public List<PartitionResult> Partitions = [];

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref Name);
        codec.Array(ref Partitions);
    }
}
