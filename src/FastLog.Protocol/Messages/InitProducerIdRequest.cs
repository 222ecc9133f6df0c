namespace FastLog.Protocol;

/// <summary>
/// InitProducerId request (key 22), v0–4 (flexible from v2).
/// <code>
///   transactional_id NULLABLE_STRING | transaction_timeout_ms INT32
///   | producer_id INT64 (v3+, default -1) | producer_epoch INT16 (v3+, default -1)
/// </code>
/// </summary>
public sealed class InitProducerIdRequest : KafkaMessage<InitProducerIdRequest>
{
    public string? TransactionalId;
    public int TransactionTimeoutMs;
    public long ProducerId = -1;
    public short ProducerEpoch = -1;

    public override ApiKey ApiKey => ApiKey.InitProducerId;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.NullableString(ref TransactionalId);
        codec.Int32(ref TransactionTimeoutMs);
        if (codec.Version >= 3)
        {
            codec.Int64(ref ProducerId);
            codec.Int16(ref ProducerEpoch);
        }
    }
}
