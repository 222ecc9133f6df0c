namespace FastLog.Broker.Partitions;

/// <summary>The verdict of the idempotent-producer check on one incoming batch.</summary>
internal enum ProducerBatchCheck
{
    /// <summary>Next in sequence (or not idempotent): append it.</summary>
    Accept,

    /// <summary>Already appended (a retry): answer with the original offsets, append nothing.</summary>
    Duplicate,

    /// <summary>A sequence gap or a restart from a non-zero sequence: OUT_OF_ORDER_SEQUENCE_NUMBER.</summary>
    OutOfOrder,

    /// <summary>An epoch older than the producer's current one: INVALID_PRODUCER_EPOCH (a fenced zombie).</summary>
    StaleEpoch,
}
