namespace FastLog.Storage.Producers;

/// <summary>The verdict of the idempotent-producer check on one incoming batch.</summary>
public enum ProducerBatchCheck
{
    /// <summary>Next in sequence (or not idempotent): append it.</summary>
    Accept,

    /// <summary>A retry of a remembered batch: answer with the original offsets once it is appended (it may still be in flight), append nothing.</summary>
    Duplicate,

    /// <summary>A retry of a batch older than the remembered ones (appended once already, its offsets forgotten): DUPLICATE_SEQUENCE_NUMBER, which clients take as success.</summary>
    DuplicateNotRemembered,

    /// <summary>A sequence gap, or a bumped epoch not starting at 0: OUT_OF_ORDER_SEQUENCE_NUMBER.</summary>
    OutOfOrder,

    /// <summary>No state for this producer and a non-zero sequence (its state expired or predates the log's tail): UNKNOWN_PRODUCER_ID, after which clients bump their epoch.</summary>
    UnknownProducer,

    /// <summary>An epoch older than the producer's current one: INVALID_PRODUCER_EPOCH (a fenced zombie).</summary>
    StaleEpoch,
}
