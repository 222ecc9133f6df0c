namespace FastLog.Protocol;

/// <summary>A partition index and its error code (OffsetCommit and OffsetDelete responses).</summary>
public sealed class PartitionError : KafkaStruct
{
    public int PartitionIndex;
    public ErrorCode ErrorCode;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref PartitionIndex);
        codec.Error(ref ErrorCode);
    }
}
