namespace FastLog.Protocol;

/// <summary>
/// SyncGroup response (key 14), v0–5 (flexible from v4).
/// <code>
///   throttle_time_ms INT32 (v1+) | error_code INT16
///   | protocol_type NULLABLE_STRING (v5+) | protocol_name NULLABLE_STRING (v5+) | assignment BYTES
/// </code>
/// </summary>
public sealed class SyncGroupResponse : KafkaMessage<SyncGroupResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public string? ProtocolType;
    public string? ProtocolName;
    public byte[] Assignment = [];

    public override ApiKey ApiKey => ApiKey.SyncGroup;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        if (codec.Version >= 5)
        {
            codec.NullableString(ref ProtocolType);
            codec.NullableString(ref ProtocolName);
        }

        codec.Bytes(ref Assignment);
    }
}
