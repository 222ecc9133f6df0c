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
    /// <summary>In a cluster: more replicas than live brokers, or below 1.</summary>
    InvalidReplicationFactor,
    /// <summary>In a cluster: explicit replicas naming unknown brokers, repeating one, or of unequal counts.</summary>
    InvalidReplicaAssignment,
    /// <summary>In a cluster: the change must be made on the controller, and this broker is not it.</summary>
    NotController,
}
