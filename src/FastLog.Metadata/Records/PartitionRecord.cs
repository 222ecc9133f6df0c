using System.Collections.Immutable;

namespace FastLog.Metadata.Records;

/// <summary>
/// The whole state of one partition: a new partition, or a change of leader, ISR or assignment
/// (every change writes the full state, so a record never depends on how the previous one was read).
/// </summary>
/// <param name="TopicId">The topic's id.</param>
/// <param name="Partition">The partition number.</param>
/// <param name="Replicas">The assigned replicas; the first is the preferred leader. During a reassignment: the target replicas, then the ones being removed.</param>
/// <param name="Isr">The in-sync replicas.</param>
/// <param name="Leader">The leader's broker id, or <see cref="NoLeader"/> when no in-sync replica is alive.</param>
/// <param name="LeaderEpoch">Raised by one at every leader change.</param>
/// <param name="PartitionEpoch">Raised by one at every change of any kind.</param>
public sealed record PartitionRecord(Guid TopicId, int Partition, ImmutableArray<int> Replicas, ImmutableArray<int> Isr, int Leader, int LeaderEpoch, int PartitionEpoch) : MetadataRecord
{
    /// <summary>Kafka's "no leader" broker id.</summary>
    public const int NoLeader = -1;

    /// <summary>Replicas a reassignment (KIP-455) is adding: they copy the log and join the ISR before the reassignment completes.</summary>
    public ImmutableArray<int> AddingReplicas { get; init; } = [];

    /// <summary>Replicas a reassignment is removing once the adding ones are in sync.</summary>
    public ImmutableArray<int> RemovingReplicas { get; init; } = [];

    public override MetadataRecordType Type => MetadataRecordType.Partition;

    public bool Equals(PartitionRecord? other) =>
        other is not null && TopicId == other.TopicId && Partition == other.Partition && Replicas.SequenceEqual(other.Replicas)
        && Isr.SequenceEqual(other.Isr) && Leader == other.Leader && LeaderEpoch == other.LeaderEpoch && PartitionEpoch == other.PartitionEpoch
        && AddingReplicas.SequenceEqual(other.AddingReplicas) && RemovingReplicas.SequenceEqual(other.RemovingReplicas);

    public override int GetHashCode() => HashCode.Combine(TopicId, Partition, Leader, LeaderEpoch, PartitionEpoch);
}
