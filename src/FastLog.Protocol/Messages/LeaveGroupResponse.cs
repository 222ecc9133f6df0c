namespace FastLog.Protocol;

/// <summary>
/// LeaveGroup response (key 13), v0–4 (flexible from v4).
/// <code>
///   throttle_time_ms INT32 (v1+) | error_code INT16
///   | members ARRAY[member_id STRING, group_instance_id NULLABLE_STRING, error_code INT16] (v3+)
/// </code>
/// </summary>
public sealed class LeaveGroupResponse : KafkaMessage<LeaveGroupResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public List<MemberResponse> Members = [];

    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        if (codec.Version >= 3)
            codec.Array(ref Members);
    }

    public sealed class MemberResponse : KafkaStruct
    {
        public string MemberId = "";
        public string? GroupInstanceId;
        public ErrorCode ErrorCode;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref MemberId);
            codec.NullableString(ref GroupInstanceId);
            codec.Error(ref ErrorCode);
        }
    }
}
