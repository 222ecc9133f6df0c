namespace FastLog.Broker.Topics;

/// <summary>Why a topic change was refused; admin handlers map each to its Kafka error code.</summary>
public enum TopicRegistryError
{
    AlreadyExists,
    NotFound,
    InvalidName,
    InvalidPartitions,
    InvalidConfig,

    /// <summary>The data directory could not be written (disk full, read-only, I/O error); the cause is the inner exception.</summary>
    StorageFailure,
}
