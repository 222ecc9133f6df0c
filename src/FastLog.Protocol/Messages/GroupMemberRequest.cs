namespace FastLog.Protocol;

/// <summary>
/// The opening shared by Heartbeat and SyncGroup requests: who is speaking, in which generation.
/// <code>
///   group_id STRING | generation_id INT32 | member_id STRING | group_instance_id NULLABLE_STRING (v3+)
/// </code>
/// </summary>
public abstract class GroupMemberRequest<TSelf> : KafkaMessage<TSelf>
    where TSelf : GroupMemberRequest<TSelf>, new()
{
    public string GroupId = "";
    public int GenerationId;
    public string MemberId = "";
    public string? GroupInstanceId;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref GroupId);
        codec.Int32(ref GenerationId);
        codec.String(ref MemberId);
        if (codec.Version >= 3)
            codec.NullableString(ref GroupInstanceId);
    }
}
