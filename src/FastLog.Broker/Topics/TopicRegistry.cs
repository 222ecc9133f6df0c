using System.Collections.Immutable;
using System.Text.Json;
using FastLog.Core;

namespace FastLog.Broker.Topics;

/// <summary>
/// The broker's topics: names, stable topic ids, partition counts and per-topic configs, persisted
/// in {data-dir}/topics.json so they survive restarts.
///
/// Concurrency protocol: readers on any shard take the current <see cref="Snapshot"/> with
/// Volatile.Read and never lock. Mutations are rare admin operations; they are serialized by
/// <see cref="_writeGate"/> (an async gate, never taken on the produce/fetch path), write the new
/// state durably (temp file, fsync, rename, fsync directory) and only then publish the new snapshot
/// with Volatile.Write, so a topic is never visible to clients before it would survive a crash.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds an OS handle only once AvailableWaitHandle is read, which this gate never does; the registry lives as long as the broker.")]
public sealed class TopicRegistry
{
    private const string FileName = "topics.json";

    private readonly string _path;
    private readonly IReadOnlyDictionary<string, string> _brokerDefaults;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private Snapshot _snapshot;

    private TopicRegistry(string path, IReadOnlyDictionary<string, string> brokerDefaults, Snapshot snapshot)
    {
        _path = path;
        _brokerDefaults = brokerDefaults;
        _snapshot = snapshot;
    }

    /// <summary>An immutable view of all topics, by name and by id.</summary>
    public sealed record Snapshot(ImmutableSortedDictionary<string, TopicDescription> ByName, ImmutableDictionary<Guid, TopicDescription> ById)
    {
        public static readonly Snapshot Empty = new(ImmutableSortedDictionary.Create<string, TopicDescription>(StringComparer.Ordinal), ImmutableDictionary<Guid, TopicDescription>.Empty);

        public Snapshot With(TopicDescription topic) =>
            new(ByName.SetItem(topic.Name, topic), ById.SetItem(topic.TopicId, topic));

        public Snapshot Without(TopicDescription topic) => new(ByName.Remove(topic.Name), ById.Remove(topic.TopicId));
    }

    public Snapshot Current => Volatile.Read(ref _snapshot);

    public static TopicRegistry Open(string dataDirectory, IReadOnlyDictionary<string, string> brokerDefaults)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var snapshot = Snapshot.Empty;
        if (File.Exists(path))
        {
            var stored = JsonSerializer.Deserialize(File.ReadAllBytes(path), TopicRegistryJson.Default.ListStoredTopic)
                ?? throw new InvalidDataException($"{path} is empty");
            foreach (var t in stored)
            {
                snapshot = snapshot.With(new TopicDescription(t.Name, t.TopicId, t.PartitionCount, t.Configs.ToImmutableSortedDictionary(StringComparer.Ordinal)));
            }
        }

        return new TopicRegistry(path, brokerDefaults, snapshot);
    }

    public TopicDescription? Find(string name) => Current.ByName.GetValueOrDefault(name);

    public TopicDescription? Find(Guid topicId) => Current.ById.GetValueOrDefault(topicId);

    /// <summary>Checks a creation without doing it (CreateTopics with validate_only).</summary>
    public void ValidateCreate(string name, int partitionCount, IReadOnlyDictionary<string, string> configs)
    {
        if (!TopicName.IsValid(name, out var problem))
        {
            throw new TopicRegistryException(TopicRegistryError.InvalidName, problem!);
        }

        if (Current.ByName.ContainsKey(name) || name == Groups.GroupPlacement.OffsetsTopic)
        {
            // __consumer_offsets always exists: its partitions are the group coordinator's offsets logs.
            throw new TopicRegistryException(TopicRegistryError.AlreadyExists, $"Topic '{name}' already exists.");
        }

        if (partitionCount is < 1 or > MaxPartitionsPerTopic)
        {
            throw new TopicRegistryException(TopicRegistryError.InvalidPartitions, $"Number of partitions must be between 1 and {MaxPartitionsPerTopic}, not {partitionCount}.");
        }

        foreach (var (key, value) in configs)
        {
            ValidateConfig(key, value);
        }
    }

    /// <summary>Upper bound on partitions per topic: every partition holds open files and a tail cache.</summary>
    public const int MaxPartitionsPerTopic = 10_000;

    public Task<TopicDescription> CreateAsync(string name, int partitionCount, IReadOnlyDictionary<string, string> configs) =>
        MutateAsync(snapshot =>
        {
            ValidateCreate(name, partitionCount, configs);
            var topic = new TopicDescription(name, Guid.NewGuid(), partitionCount, configs.ToImmutableSortedDictionary(StringComparer.Ordinal));
            return (snapshot.With(topic), topic);
        });

    public Task<TopicDescription> DeleteAsync(string name) =>
        MutateAsync(snapshot =>
        {
            var topic = Require(snapshot, name);
            return (snapshot.Without(topic), topic);
        });

    public Task<TopicDescription> AddPartitionsAsync(string name, int newTotal, bool validateOnly) =>
        MutateAsync(snapshot =>
        {
            var topic = Require(snapshot, name);
            if (newTotal <= topic.PartitionCount || newTotal > MaxPartitionsPerTopic)
            {
                throw new TopicRegistryException(TopicRegistryError.InvalidPartitions,
                    $"Topic '{name}' has {topic.PartitionCount} partitions; the new count must be larger (and at most {MaxPartitionsPerTopic}), not {newTotal}.");
            }

            var changed = topic with { PartitionCount = newTotal };
            return (validateOnly ? snapshot : snapshot.With(changed), changed);
        });

    /// <summary>
    /// Changes topic configs. With <paramref name="replaceAll"/> (AlterConfigs) the given set becomes the whole
    /// set of overrides; otherwise (IncrementalAlterConfigs) each entry sets a value, and a null value deletes it.
    /// </summary>
    public Task<TopicDescription> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string?> changes, bool replaceAll, bool validateOnly) =>
        MutateAsync(snapshot =>
        {
            var topic = Require(snapshot, name);
            var configs = replaceAll ? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal) : (ImmutableSortedDictionary<string, string>)topic.Configs;
            foreach (var (key, value) in changes)
            {
                ValidateConfig(key, value);
                configs = value is null ? configs.Remove(key) : configs.SetItem(key, value);
            }

            var changed = topic with { Configs = configs };
            return (validateOnly ? snapshot : snapshot.With(changed), changed);
        });

    /// <summary>
    /// In a cluster: makes the registry hold exactly <paramref name="topics"/> (the committed
    /// metadata image's), ids included, and persists that as the local cache the broker starts
    /// from. No validation: the controller validated each change before committing it.
    /// </summary>
    public async Task SyncAsync(IReadOnlyCollection<TopicDescription> topics)
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var next = Snapshot.Empty;
            foreach (var topic in topics)
            {
                next = next.With(topic);
            }

            var current = Current;
            if (next.ByName.Count != current.ByName.Count || !next.ByName.Values.Zip(current.ByName.Values).All(pair => pair.First.SameAs(pair.Second)))
            {
                await Task.Run(() => Persist(next)).ConfigureAwait(false);
                Volatile.Write(ref _snapshot, next);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The value in force for <paramref name="key"/>: the topic's own, else the broker default, else Kafka's default.</summary>
    public string EffectiveConfig(TopicDescription topic, string key) => ResolveConfig(topic, key).Value;

    /// <summary>Every known config of a topic with where its value comes from (DescribeConfigs).</summary>
    public IEnumerable<(string Name, string Value, ConfigSource Source)> EffectiveConfigs(TopicDescription topic) =>
        TopicConfigCatalog.All.Select(d =>
        {
            var (value, source) = ResolveConfig(topic, d.Name);
            return (d.Name, value, source);
        });

    private (string Value, ConfigSource Source) ResolveConfig(TopicDescription topic, string key)
    {
        if (topic.Configs.TryGetValue(key, out var own))
        {
            return (own, ConfigSource.Topic);
        }

        if (_brokerDefaults.TryGetValue(key, out var brokerDefault))
        {
            return (brokerDefault, ConfigSource.BrokerDefault);
        }

        return TopicConfigCatalog.TryGet(key, out var definition)
            ? (definition.Default, ConfigSource.Default)
            : throw new ArgumentException($"Unknown topic config '{key}'", nameof(key));
    }

    private static void ValidateConfig(string key, string? value)
    {
        try
        {
            TopicConfigCatalog.Validate(key, value);
        }
        catch (ArgumentException e)
        {
            throw new TopicRegistryException(TopicRegistryError.InvalidConfig, e.Message);
        }
    }

    private static TopicDescription Require(Snapshot snapshot, string name) =>
        snapshot.ByName.GetValueOrDefault(name) ?? throw new TopicRegistryException(TopicRegistryError.NotFound, $"Topic '{name}' does not exist.");

    private async Task<TopicDescription> MutateAsync(Func<Snapshot, (Snapshot Next, TopicDescription Result)> change)
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var current = Current;
            var (next, result) = change(current);
            if (!ReferenceEquals(next, current))
            {
                // Off the shard: the file write and fsyncs can take milliseconds.
                await Task.Run(() => Persist(next)).ConfigureAwait(false);
                Volatile.Write(ref _snapshot, next);
            }

            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Persist(Snapshot snapshot)
    {
        var stored = snapshot.ByName.Values
            .Select(t => new StoredTopic(t.Name, t.TopicId, t.PartitionCount, new Dictionary<string, string>(t.Configs, StringComparer.Ordinal)))
            .ToList();
        DurableFile.ReplaceAtomically(_path, JsonSerializer.SerializeToUtf8Bytes(stored, TopicRegistryJson.Default.ListStoredTopic));
    }

    internal sealed record StoredTopic(string Name, Guid TopicId, int PartitionCount, Dictionary<string, string> Configs);
}
