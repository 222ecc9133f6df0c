using FastLog.Broker.Topics;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>The Kafka error code an admin client gets for each refused topic change.</summary>
internal static class TopicRegistryErrors
{
    public static ErrorCode ToErrorCode(TopicRegistryError error) => error switch
    {
        TopicRegistryError.AlreadyExists => ErrorCode.TopicAlreadyExists,
        TopicRegistryError.NotFound => ErrorCode.UnknownTopicOrPartition,
        TopicRegistryError.InvalidName => ErrorCode.InvalidTopicException,
        TopicRegistryError.InvalidPartitions => ErrorCode.InvalidPartitions,
        TopicRegistryError.InvalidConfig => ErrorCode.InvalidConfig,
        TopicRegistryError.StorageFailure => ErrorCode.KafkaStorageError,
        TopicRegistryError.InvalidReplicationFactor => ErrorCode.InvalidReplicationFactor,
        TopicRegistryError.InvalidReplicaAssignment => ErrorCode.InvalidReplicaAssignment,
        TopicRegistryError.NotController => ErrorCode.NotController,
        _ => ErrorCode.UnknownServerError,
    };

    /// <summary>
    /// What a client gets when auto-creating a topic failed (Metadata, Produce): the registry's code,
    /// except that a cluster without a reachable controller (an election) answers
    /// LEADER_NOT_AVAILABLE, Kafka's retriable answer while a topic is being created. A full disk
    /// (KAFKA_STORAGE_ERROR) is retriable too: the lifecycle has logged it.
    /// </summary>
    public static ErrorCode ForAutoCreation(TopicRegistryError error) =>
        error == TopicRegistryError.NotController ? ErrorCode.LeaderNotAvailable : ToErrorCode(error);
}
