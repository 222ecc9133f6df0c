namespace FastLog.Broker.Configuration;

/// <summary>
/// When a produce with acks=1 is acknowledged. acks=-1 (all) always waits for fdatasync;
/// acks=0 never waits.
/// </summary>
public enum AckDurability
{
    /// <summary>acks=1 is acknowledged once the batch is written; the interval flush makes it durable soon after.
    /// Kafka's own default trades the same way (it relies on the page cache and replication).</summary>
    Written,

    /// <summary>acks=1 is acknowledged only after fdatasync, like acks=-1 ("durable" mode).</summary>
    Durable,
}
