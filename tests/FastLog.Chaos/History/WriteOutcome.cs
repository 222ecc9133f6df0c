namespace FastLog.Chaos.History;

/// <summary>What the client learnt about a write (librdkafka's persistence status of the delivery report).</summary>
internal enum WriteOutcome
{
    /// <summary>Acknowledged, with the partition and offset it was stored at.</summary>
    Ok,

    /// <summary>A definite failure: the broker never stored it (or it was never sent).</summary>
    Failed,

    /// <summary>Unknown (a timeout, a connection lost mid-request): it may or may not be stored.</summary>
    Indeterminate,
}
