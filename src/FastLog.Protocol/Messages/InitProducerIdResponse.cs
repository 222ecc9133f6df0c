namespace FastLog.Protocol;

/// <summary>
/// InitProducerId response (key 22), v0–4 (flexible from v2).
/// <code>
///   throttle_time_ms INT32 | error_code INT16 | producer_id INT64 | producer_epoch INT16
/// </code>
/// </summary>
public sealed class InitProducerIdResponse : KafkaMessage<InitProducerIdResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public long ProducerId = -1;
    public short ProducerEpoch;

    public override ApiKey ApiKey => ApiKey.InitProducerId;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        codec.Int64(ref ProducerId);
        codec.Int16(ref ProducerEpoch);
    }
}
