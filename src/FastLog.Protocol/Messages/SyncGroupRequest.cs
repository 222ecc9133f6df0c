namespace FastLog.Protocol;

/// <summary>
/// SyncGroup request (key 14), v0–5 (flexible from v4).
/// <code>
///   GroupMemberRequest fields | protocol_type NULLABLE_STRING (v5+) | protocol_name NULLABLE_STRING (v5+)
///   | assignments ARRAY[member_id STRING, assignment BYTES]
/// </code>
/// </summary>
public sealed class SyncGroupRequest : GroupMemberRequest<SyncGroupRequest>
{
    public string? ProtocolType;
    public string? ProtocolName;
    public List<SyncGroupRequestAssignment> Assignments = [];

    public override ApiKey ApiKey => ApiKey.SyncGroup;

    internal override void Map(ref KafkaCodec codec)
    {
        base.Map(ref codec);
        if (codec.Version >= 5)
        {
            codec.NullableString(ref ProtocolType);
            codec.NullableString(ref ProtocolName);
        }

        codec.Array(ref Assignments);
    }

    public sealed class SyncGroupRequestAssignment : KafkaStruct
    {
        public string MemberId = "";
        public byte[] Assignment = [];

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref MemberId);
            codec.Bytes(ref Assignment);
        }
    }
}
