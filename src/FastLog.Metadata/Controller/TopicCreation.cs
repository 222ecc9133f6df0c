using System.Collections.Immutable;

namespace FastLog.Metadata.Controller;

/// <summary>
/// A topic to create: its name and config overrides (both already validated by the broker), and
/// either a partition count with a replication factor, or an explicit replica list per partition.
/// </summary>
public sealed record TopicCreation(string Name, int PartitionCount, int ReplicationFactor, ImmutableSortedDictionary<string, string> Configs)
{
    /// <summary>Explicit replicas for partitions 0..N-1 (CreateTopics' assignments); null to place them.</summary>
    public IReadOnlyList<IReadOnlyList<int>>? Assignments { get; init; }
}
