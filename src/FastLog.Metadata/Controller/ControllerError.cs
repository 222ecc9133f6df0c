namespace FastLog.Metadata.Controller;

/// <summary>Why the controller refused a change; the broker maps each to its Kafka error code.</summary>
public enum ControllerError
{
    TopicAlreadyExists,
    UnknownTopic,
    InvalidPartitions,
    InvalidReplicationFactor,
    InvalidReplicaAssignment,
    /// <summary>An ISR change from a broker that no longer leads the partition at that leader epoch (FENCED_LEADER_EPOCH).</summary>
    FencedLeaderEpoch,
    /// <summary>An ISR change based on a partition epoch the partition has moved past (INVALID_UPDATE_VERSION).</summary>
    InvalidUpdateVersion,
    /// <summary>An ISR change naming a fenced broker as a new member (INELIGIBLE_REPLICA).</summary>
    IneligibleReplica,
    /// <summary>An ISR that is not a set of the partition's replicas including its leader (INVALID_REQUEST).</summary>
    InvalidRequest,
    /// <summary>A reassignment cancelled where none runs (NO_REASSIGNMENT_IN_PROGRESS).</summary>
    NoReassignmentInProgress,
    /// <summary>A leader election asked for where the partition already has the leader it would give (ELECTION_NOT_NEEDED).</summary>
    ElectionNotNeeded,
    /// <summary>A preferred leader election whose preferred replica is fenced or out of sync (PREFERRED_LEADER_NOT_AVAILABLE).</summary>
    PreferredLeaderNotAvailable,
    /// <summary>An unclean leader election with no live replica to lead (ELIGIBLE_LEADERS_NOT_AVAILABLE).</summary>
    EligibleLeadersNotAvailable,
    /// <summary>This broker is not the controller (the Raft leader), or stopped being it during the change.</summary>
    NotController,
}
