namespace FastLog.Protocol;

/// <summary>
/// FindCoordinator response (key 10), v0–4 (flexible from v3).
/// <code>
///   throttle_time_ms INT32 (v1+)
///   | v0–3: error_code INT16, error_message NULLABLE_STRING (v1+), node_id INT32, host STRING, port INT32
///   | v4+:  coordinators ARRAY[key STRING, node_id INT32, host STRING, port INT32, error_code INT16, error_message NULLABLE_STRING]
/// </code>
/// </summary>
public sealed class FindCoordinatorResponse : KafkaMessage<FindCoordinatorResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public string? ErrorMessage;
    public int NodeId;
    public string Host = "";
    public int Port;
    public List<Coordinator> Coordinators = [];

    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 4)
        {
            codec.Array(ref Coordinators);
            return;
        }

        codec.Error(ref ErrorCode);
        if (codec.Version >= 1)
            codec.NullableString(ref ErrorMessage);
        codec.Int32(ref NodeId);
        codec.String(ref Host);
        codec.Int32(ref Port);
    }

    public sealed class Coordinator : KafkaStruct
    {
        public string Key = "";
        public int NodeId;
        public string Host = "";
        public int Port;
        public ErrorCode ErrorCode;
        public string? ErrorMessage;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Key);
            codec.Int32(ref NodeId);
            codec.String(ref Host);
            codec.Int32(ref Port);
            codec.Error(ref ErrorCode);
            codec.NullableString(ref ErrorMessage);
        }
    }
}
