namespace FastLog.Protocol;

/// <summary>
/// DescribeGroups response (key 15), v0–5 (flexible from v5).
/// <code>
///   throttle_time_ms INT32 (v1+)
///   | groups ARRAY[error_code INT16, group_id STRING, group_state STRING, protocol_type STRING, protocol_data STRING,
///       members ARRAY[member_id STRING, group_instance_id NULLABLE_STRING (v4+), client_id STRING, client_host STRING,
///         member_metadata BYTES, member_assignment BYTES],
///       authorized_operations INT32 (v3+)]
/// </code>
/// </summary>
public sealed class DescribeGroupsResponse : KafkaMessage<DescribeGroupsResponse>
{
    public int ThrottleTimeMs;
    public List<DescribedGroup> Groups = [];

    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Groups);
    }

    public sealed class DescribedGroup : KafkaStruct
    {
        public ErrorCode ErrorCode;
        public string GroupId = "";
        public string GroupState = "";
        public string ProtocolType = "";
        public string ProtocolData = "";
        public List<DescribedGroupMember> Members = [];
        public int AuthorizedOperations = MetadataResponse.AuthorizedOperationsOmitted;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Error(ref ErrorCode);
            codec.String(ref GroupId);
            codec.String(ref GroupState);
            codec.String(ref ProtocolType);
            codec.String(ref ProtocolData);
            codec.Array(ref Members);
            if (codec.Version >= 3)
                codec.Int32(ref AuthorizedOperations);
        }
    }

    public sealed class DescribedGroupMember : KafkaStruct
    {
        public string MemberId = "";
        public string? GroupInstanceId;
        public string ClientId = "";
        public string ClientHost = "";
        public byte[] MemberMetadata = [];
        public byte[] MemberAssignment = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref MemberId);
            if (codec.Version >= 4)
                codec.NullableString(ref GroupInstanceId);
            codec.String(ref ClientId);
            codec.String(ref ClientHost);
            codec.Bytes(ref MemberMetadata);
            codec.Bytes(ref MemberAssignment);
        }
    }
}
