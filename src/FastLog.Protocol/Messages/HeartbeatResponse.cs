namespace FastLog.Protocol;

/// <summary>
/// Heartbeat response (key 12), v0–4 (flexible from v4).
/// <code>
///   throttle_time_ms INT32 (v1+) | error_code INT16
/// </code>
/// </summary>
public sealed class HeartbeatResponse : KafkaMessage<HeartbeatResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;

    public override ApiKey ApiKey => ApiKey.Heartbeat;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
    }
}
