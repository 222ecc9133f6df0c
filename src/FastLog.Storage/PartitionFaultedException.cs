namespace FastLog.Storage;

/// <summary>
/// The partition stopped accepting appends after an error that leaves its durable state
/// unknown (an fdatasync failure: Linux may have dropped the dirty pages, so retrying could
/// acknowledge lost data). Reopening the partition recovers it from disk. Kafka's
/// KAFKA_STORAGE_ERROR at the broker.
/// </summary>
public sealed class PartitionFaultedException : IOException
{
    public PartitionFaultedException(string directory, Exception cause)
        : base($"Partition log {directory} is faulted and must be reopened: {cause.Message}", cause)
    {
    }
}
