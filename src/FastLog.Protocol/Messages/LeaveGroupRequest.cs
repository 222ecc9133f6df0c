namespace FastLog.Protocol;

/// <summary>
/// LeaveGroup request (key 13), v0–4 (flexible from v4).
/// <code>
///   group_id STRING
///   | v0–2: member_id STRING
///   | v3+:  members ARRAY[member_id STRING, group_instance_id NULLABLE_STRING]
/// </code>
/// </summary>
public sealed class LeaveGroupRequest : KafkaMessage<LeaveGroupRequest>
{
    public string GroupId = "";
    public string MemberId = "";
    public List<MemberIdentity> Members = [];

    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref GroupId);
        if (codec.Version <= 2)
            codec.String(ref MemberId);
        else
            codec.Array(ref Members);
    }

    public sealed class MemberIdentity : KafkaStruct
    {
        public string MemberId = "";
        public string? GroupInstanceId;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref MemberId);
            codec.NullableString(ref GroupInstanceId);
        }
    }
}
