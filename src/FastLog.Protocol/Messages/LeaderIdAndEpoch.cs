namespace FastLog.Protocol;

/// <summary>
/// KIP-951's tagged current_leader, the same struct in Fetch (v12+) and Produce (v10+) responses:
/// leader_id INT32, leader_epoch INT32 (both default -1).
/// </summary>
public sealed class LeaderIdAndEpoch : KafkaStruct
{
    public int LeaderId = -1;
    public int LeaderEpoch = -1;

    public bool IsDefault => LeaderId == -1 && LeaderEpoch == -1;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref LeaderId);
        codec.Int32(ref LeaderEpoch);
    }
}
