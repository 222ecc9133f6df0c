namespace FastLog.Protocol;

/// <summary>
/// DeleteGroups response (key 42), v0–2 (flexible from v2).
/// <code>
///   throttle_time_ms INT32 | results ARRAY[group_id STRING, error_code INT16]
/// </code>
/// </summary>
public sealed class DeleteGroupsResponse : KafkaMessage<DeleteGroupsResponse>
{
    public int ThrottleTimeMs;
    public List<DeletableGroupResult> Results = [];

    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Array(ref Results);
    }

    public sealed class DeletableGroupResult : KafkaStruct
    {
        public string GroupId = "";
        public ErrorCode ErrorCode;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref GroupId);
            codec.Error(ref ErrorCode);
        }
    }
}
