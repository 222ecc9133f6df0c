namespace FastLog.Protocol;

/// <summary>
/// JoinGroup response (key 11), v0–7 (flexible from v6).
/// <code>
///   throttle_time_ms INT32 (v2+) | error_code INT16 | generation_id INT32
///   | protocol_type NULLABLE_STRING (v7+) | protocol_name STRING (nullable v7+) | leader STRING | member_id STRING
///   | members ARRAY[member_id STRING, group_instance_id NULLABLE_STRING (v5+), metadata BYTES]
/// </code>
/// </summary>
public sealed class JoinGroupResponse : KafkaMessage<JoinGroupResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public int GenerationId = -1;
    public string? ProtocolType;
    public string? ProtocolName = "";
    public string Leader = "";
    public string MemberId = "";
    public List<JoinGroupResponseMember> Members = [];

    public override ApiKey ApiKey => ApiKey.JoinGroup;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 2)
            codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        codec.Int32(ref GenerationId);
        if (codec.Version >= 7)
            codec.NullableString(ref ProtocolType);
        codec.NullableString(ref ProtocolName, nullable: codec.Version >= 7);
        codec.String(ref Leader);
        codec.String(ref MemberId);
        codec.Array(ref Members);
    }

    public sealed class JoinGroupResponseMember : KafkaStruct
    {
        public string MemberId = "";
        public string? GroupInstanceId;
        public byte[] Metadata = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref MemberId);
            if (codec.Version >= 5)
                codec.NullableString(ref GroupInstanceId);
            codec.Bytes(ref Metadata);
        }
    }
}
