namespace FastLog.Metadata.Controller;

/// <summary>Why the controller refused a change; the broker maps each to its Kafka error code.</summary>
public enum ControllerError
{
    TopicAlreadyExists,
    UnknownTopic,
    InvalidPartitions,
    InvalidReplicationFactor,
    InvalidReplicaAssignment,
    /// <summary>This broker is not the controller (the Raft leader), or stopped being it during the change.</summary>
    NotController,
}
