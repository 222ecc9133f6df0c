using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;

namespace FastLog.Broker.Topics;

/// <summary>
/// Creating, growing and deleting topics: the registry entry and the partition logs together.
/// Shared by the admin APIs and topic auto-creation.
/// </summary>
public sealed class TopicLifecycle(TopicRegistry registry, PartitionManager partitions, BrokerOptions options)
{
    /// <summary>Creates a topic and opens its partitions; returns once producers can write to it.</summary>
    public async Task<TopicDescription> CreateAsync(string name, int partitionCount, IReadOnlyDictionary<string, string> configs)
    {
        var topic = await registry.CreateAsync(name, partitionCount, configs).ConfigureAwait(false);
        await partitions.OpenTopicAsync(topic).ConfigureAwait(false);
        return topic;
    }

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
            return await CreateAsync(name, options.DefaultPartitions, new Dictionary<string, string>()).ConfigureAwait(false);
        }
        catch (TopicRegistryException e) when (e.Error == TopicRegistryError.AlreadyExists)
        {
            // Another connection auto-created it first.
            return registry.Find(name);
        }
    }

    public async Task<TopicDescription> AddPartitionsAsync(string name, int newTotal, bool validateOnly)
    {
        var before = registry.Find(name);
        var topic = await registry.AddPartitionsAsync(name, newTotal, validateOnly).ConfigureAwait(false);
        if (!validateOnly)
        {
            await partitions.OpenTopicAsync(topic, fromPartition: before?.PartitionCount ?? 0).ConfigureAwait(false);
        }

        return topic;
    }

    public async Task<TopicDescription> DeleteAsync(string name)
    {
        var topic = await registry.DeleteAsync(name).ConfigureAwait(false);
        await partitions.DeleteTopicAsync(topic).ConfigureAwait(false);
        return topic;
    }
}
