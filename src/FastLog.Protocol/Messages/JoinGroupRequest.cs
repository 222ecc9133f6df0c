namespace FastLog.Protocol;

/// <summary>
/// JoinGroup request (key 11), v0–7 (flexible from v6).
/// <code>
///   group_id STRING | session_timeout_ms INT32 | rebalance_timeout_ms INT32 (v1+) | member_id STRING
///   | group_instance_id NULLABLE_STRING (v5+) | protocol_type STRING
///   | protocols ARRAY[name STRING, metadata BYTES]
/// </code>
/// </summary>
public sealed class JoinGroupRequest : KafkaMessage<JoinGroupRequest>
{
    public string GroupId = "";
    public int SessionTimeoutMs;
    public int RebalanceTimeoutMs = -1;
    public string MemberId = "";
    public string? GroupInstanceId;
    public string ProtocolType = "";
    public List<JoinGroupRequestProtocol> Protocols = [];

    public override ApiKey ApiKey => ApiKey.JoinGroup;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref GroupId);
        codec.Int32(ref SessionTimeoutMs);
        if (codec.Version >= 1)
            codec.Int32(ref RebalanceTimeoutMs);
        codec.String(ref MemberId);
        if (codec.Version >= 5)
            codec.NullableString(ref GroupInstanceId);
        codec.String(ref ProtocolType);
        codec.Array(ref Protocols);
    }

    public sealed class JoinGroupRequestProtocol : KafkaStruct
    {
        public string Name = "";
        public byte[] Metadata = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Bytes(ref Metadata);
        }
    }
}
