using System.Collections.Immutable;
using FastLog.Broker.Configuration;
using FastLog.Broker.Coordination;
using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Metadata.Controller;
using FastLog.Storage;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Admin;

/// <summary>
/// Creating, growing, reconfiguring and deleting topics: the registry entry and the partition
/// logs together. Shared by the admin APIs and topic auto-creation. It sits above both Topics and
/// Partitions (which never reference it), so neither folder depends on the other's lifecycle.
/// A change the data directory cannot take (disk full, read-only, I/O error) is logged with its
/// cause and thrown as <see cref="TopicRegistryException"/> with <see cref="TopicRegistryError.StorageFailure"/>,
/// which the handlers answer with KAFKA_STORAGE_ERROR.
/// <para>In a cluster (<see cref="Cluster"/> set) every change goes through the controller and
/// the metadata quorum; the registry and the partition logs then follow the committed image
/// (see <see cref="ClusterCoordinator"/>).</para>
/// </summary>
public sealed class TopicLifecycle(TopicRegistry registry, PartitionManager partitions, BrokerOptions options, ILogger logger)
{
    /// <summary>This broker's part in the cluster; null on a single node.</summary>
    public ClusterCoordinator? Cluster { get; init; }

    /// <summary>
    /// Creates a topic and opens its partitions; returns once producers can write to it. A topic
    /// whose partitions cannot be opened is removed again, so the client can retry the creation.
    /// In a cluster, <paramref name="replicationFactor"/> (-1: default.replication.factor) or
    /// <paramref name="assignments"/> place its replicas; a single node has one replica.
    /// </summary>
    public Task<TopicDescription> CreateAsync(string name, int partitionCount, IReadOnlyDictionary<string, string> configs, int replicationFactor = -1, IReadOnlyList<IReadOnlyList<int>>? assignments = null) =>
        GuardStorageAsync("create", name, async () =>
        {
            if (Cluster is { } cluster)
            {
                registry.ValidateCreate(name, partitionCount, configs);
                return await OnControllerAsync(() => cluster.CreateTopicAsync(
                    new TopicCreation(name, partitionCount, replicationFactor, configs.ToImmutableSortedDictionary(StringComparer.Ordinal)) { Assignments = assignments })).ConfigureAwait(false);
            }

            var topic = await registry.CreateAsync(name, partitionCount, configs).ConfigureAwait(false);
            try
            {
                await partitions.OpenTopicAsync(topic).ConfigureAwait(false);
            }
            catch (IOException)
            {
                await DeleteUnguardedAsync(name).ConfigureAwait(false);
                throw;
            }

            return topic;
        });

    /// <summary>
    /// The topic called <paramref name="name"/>, created with the default partition count when it
    /// does not exist and auto-creation is on (both broker-wide and for this request); null when it
    /// does not exist. Throws <see cref="TopicRegistryException"/> for an invalid name.
    /// </summary>
    public async ValueTask<TopicDescription?> FindOrCreateAsync(string name, bool allowAutoCreate)
    {
        if (registry.Find(name) is { } existing)
        {
            return existing;
        }

        if (!TopicName.IsValid(name, out var problem))
        {
            throw new TopicRegistryException(TopicRegistryError.InvalidName, problem!);
        }

        if (!allowAutoCreate || !options.AutoCreateTopics || TopicName.IsInternal(name))
        {
            return null;
        }

        try
        {
            return await CreateAsync(name, options.DefaultPartitions, new Dictionary<string, string>(), options.DefaultReplicationFactor).ConfigureAwait(false);
        }
        catch (TopicRegistryException e) when (e.Error == TopicRegistryError.AlreadyExists)
        {
            // Another connection auto-created it first.
            return registry.Find(name);
        }
    }

    public Task<TopicDescription> AddPartitionsAsync(string name, int newTotal, bool validateOnly) =>
        GuardStorageAsync("add partitions to", name, async () =>
        {
            if (Cluster is { } cluster)
            {
                if (validateOnly)
                {
                    return await registry.AddPartitionsAsync(name, newTotal, validateOnly: true).ConfigureAwait(false);
                }

                await OnControllerAsync(() => cluster.AddPartitionsAsync(name, newTotal, null)).ConfigureAwait(false);
                return await cluster.WaitForTopicAsync(name, registry.Find(name)?.TopicId ?? Guid.Empty).ConfigureAwait(false);
            }

            var before = registry.Find(name);
            var topic = await registry.AddPartitionsAsync(name, newTotal, validateOnly).ConfigureAwait(false);
            if (!validateOnly)
            {
                await partitions.OpenTopicAsync(topic, fromPartition: before?.PartitionCount ?? 0).ConfigureAwait(false);
            }

            return topic;
        });

    /// <summary>
    /// Deletes the topic: the registry entry first (a crash in between leaves only directories the
    /// registry no longer names), then the partitions' logs. On a full disk topics.json cannot be
    /// rewritten until space is freed, and this deletion is how the operator frees it: the logs go
    /// first then, and the registry entry after.
    /// </summary>
    public Task<TopicDescription> DeleteAsync(string name) => GuardStorageAsync("delete", name, async () =>
    {
        if (Cluster is { } cluster)
        {
            var topic = registry.Find(name) ?? throw new TopicRegistryException(TopicRegistryError.NotFound, $"Topic '{name}' does not exist.");
            await OnControllerAsync(() => cluster.DeleteTopicAsync(name)).ConfigureAwait(false);
            return topic;
        }

        return await DeleteUnguardedAsync(name).ConfigureAwait(false);
    });

    /// <summary>
    /// Sets the topic's config overrides (<paramref name="replaceAll"/>: the given ones become the
    /// whole set, as AlterConfigs does; otherwise only the given ones change, null removing an
    /// override), persists them and applies them to the open partitions. Throws
    /// <see cref="TopicRegistryException"/> for an unknown topic or an invalid config.
    /// </summary>
    public Task<TopicDescription> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string?> changes, bool replaceAll, bool validateOnly) =>
        GuardStorageAsync("alter the configs of", name, async () =>
        {
            var changed = await registry.AlterConfigsAsync(name, changes, replaceAll, validateOnly: validateOnly || Cluster is not null).ConfigureAwait(false);
            if (Cluster is { } cluster && !validateOnly)
            {
                // The registry computed and checked the new set; the controller commits it and the registry follows the image.
                await OnControllerAsync(() => cluster.AlterConfigsAsync(name, changed.Configs)).ConfigureAwait(false);
            }
            else if (!validateOnly)
            {
                await partitions.ReconfigureTopicAsync(changed).ConfigureAwait(false);
            }

            return changed;
        });

    private async Task<TopicDescription> DeleteUnguardedAsync(string name)
    {
        TopicDescription topic;
        try
        {
            topic = await registry.DeleteAsync(name).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskFull.Is(e) && registry.Find(name) is { } full)
        {
            // Should the broker stop before the registry write below, the topic comes back empty.
            logger.LogWarning("Deleting topic {Topic} on a full disk: its logs are deleted before {Registry} is rewritten", name, "topics.json");
            await partitions.DeleteTopicAsync(full).ConfigureAwait(false);
            return await registry.DeleteAsync(name).ConfigureAwait(false);
        }

        await partitions.DeleteTopicAsync(topic).ConfigureAwait(false);
        return topic;
    }

    /// <summary>Runs a controller decision, turning the controller's refusals into the registry's errors the handlers map.</summary>
    private static async Task<T> OnControllerAsync<T>(Func<Task<T>> decision)
    {
        try
        {
            return await decision().ConfigureAwait(false);
        }
        catch (ControllerException e)
        {
            throw new TopicRegistryException(e.Error switch
            {
                ControllerError.TopicAlreadyExists => TopicRegistryError.AlreadyExists,
                ControllerError.UnknownTopic => TopicRegistryError.NotFound,
                ControllerError.InvalidPartitions => TopicRegistryError.InvalidPartitions,
                ControllerError.InvalidReplicationFactor => TopicRegistryError.InvalidReplicationFactor,
                ControllerError.InvalidReplicaAssignment => TopicRegistryError.InvalidReplicaAssignment,
                _ => TopicRegistryError.NotController,
            }, e.Message);
        }
    }

    private async Task<TopicDescription> GuardStorageAsync(string action, string name, Func<Task<TopicDescription>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            logger.LogWarning("Cannot {Action} topic {Topic}: {Reason}", action, name, e.Message);
            throw new TopicRegistryException(TopicRegistryError.StorageFailure, $"Cannot {action} topic '{name}': {e.Message}", e);
        }
    }
}
