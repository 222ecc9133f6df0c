namespace FastLog.Broker.Partitions;

/// <summary>The verdict of the idempotent-producer check on one incoming batch.</summary>
public enum ProducerBatchCheck
{
    /// <summary>Next in sequence (or not idempotent): append it.</summary>
    Accept,

    /// <summary>Already appended (a retry): answer with the original offsets, append nothing.</summary>
    Duplicate,

    /// <summary>A sequence gap, or a bumped epoch not starting at 0: OUT_OF_ORDER_SEQUENCE_NUMBER.</summary>
    OutOfOrder,

    /// <summary>No state for this producer and a non-zero sequence (its state expired or predates the log's tail): UNKNOWN_PRODUCER_ID, after which clients bump their epoch.</summary>
    UnknownProducer,

    /// <summary>An epoch older than the producer's current one: INVALID_PRODUCER_EPOCH (a fenced zombie).</summary>
    StaleEpoch,
}
