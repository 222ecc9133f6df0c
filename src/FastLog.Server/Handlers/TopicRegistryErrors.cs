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
}
