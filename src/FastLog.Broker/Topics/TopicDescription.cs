namespace FastLog.Broker.Topics;

/// <summary>
/// A topic as the broker knows it. Immutable: the registry swaps whole snapshots, so any shard can
/// read a description without a lock while another one is being created.
/// <see cref="Configs"/> holds only the values set on the topic; <see cref="TopicRegistry.EffectiveConfig"/>
/// folds in broker defaults and Kafka's defaults.
/// </summary>
public sealed record TopicDescription(string Name, Guid TopicId, int PartitionCount, IReadOnlyDictionary<string, string> Configs)
{
    public bool IsInternal => TopicName.IsInternal(Name);

    /// <summary>The same topic with the same partition count and config values (records compare <see cref="Configs"/> by reference).</summary>
    public bool SameAs(TopicDescription other) =>
        Name == other.Name && TopicId == other.TopicId && PartitionCount == other.PartitionCount && Configs.Count == other.Configs.Count
        && Configs.All(c => other.Configs.TryGetValue(c.Key, out var value) && value == c.Value);
}
