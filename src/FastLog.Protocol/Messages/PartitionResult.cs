namespace FastLog.Protocol;

/// <summary>A partition index, its error code and message (ElectLeaders and AlterPartitionReassignments responses).</summary>
public sealed class PartitionResult : KafkaStruct
{
    public int PartitionIndex;
    public ErrorCode ErrorCode;
    public string? ErrorMessage;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref PartitionIndex);
        codec.Error(ref ErrorCode);
        codec.NullableString(ref ErrorMessage);
    }
}
