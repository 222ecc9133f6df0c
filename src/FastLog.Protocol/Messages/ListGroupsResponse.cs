namespace FastLog.Protocol;

/// <summary>
/// ListGroups response (key 16), v0–4 (flexible from v3).
/// <code>
///   throttle_time_ms INT32 (v1+) | error_code INT16
///   | groups ARRAY[group_id STRING, protocol_type STRING, group_state STRING (v4+)]
/// </code>
/// </summary>
public sealed class ListGroupsResponse : KafkaMessage<ListGroupsResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public List<ListedGroup> Groups = [];

    public override ApiKey ApiKey => ApiKey.ListGroups;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        codec.Array(ref Groups);
    }

    public sealed class ListedGroup : KafkaStruct
    {
        public string GroupId = "";
        public string ProtocolType = "";
        public string GroupState = "";

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref GroupId);
            codec.String(ref ProtocolType);
            if (codec.Version >= 4)
                codec.String(ref GroupState);
        }
    }
}
