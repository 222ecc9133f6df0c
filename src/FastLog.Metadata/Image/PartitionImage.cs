using System.Collections.Immutable;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Image;

/// <summary>
/// One partition's replicas, ISR and leader as the metadata image holds them, and the replicas an
/// ongoing reassignment adds and removes (both empty when none runs).
/// </summary>
public sealed record PartitionImage(int Partition, ImmutableArray<int> Replicas, ImmutableArray<int> Isr, int Leader, int LeaderEpoch, int PartitionEpoch)
{
    public ImmutableArray<int> AddingReplicas { get; init; } = [];

    public ImmutableArray<int> RemovingReplicas { get; init; } = [];

    public bool HasLeader => Leader != PartitionRecord.NoLeader;

    public bool IsReassigning => !AddingReplicas.IsEmpty || !RemovingReplicas.IsEmpty;

    /// <summary>The replicas the partition ends with: all of them, less the ones a reassignment removes.</summary>
    public ImmutableArray<int> TargetReplicas => RemovingReplicas.IsEmpty ? Replicas : Replicas.Where(r => !RemovingReplicas.Contains(r)).ToImmutableArray();

    /// <summary>The replicas the partition had before its reassignment: all of them, less the ones it adds.</summary>
    public ImmutableArray<int> OriginalReplicas => AddingReplicas.IsEmpty ? Replicas : Replicas.Where(r => !AddingReplicas.Contains(r)).ToImmutableArray();

    public PartitionRecord ToRecord(Guid topicId) =>
        new(topicId, Partition, Replicas, Isr, Leader, LeaderEpoch, PartitionEpoch) { AddingReplicas = AddingReplicas, RemovingReplicas = RemovingReplicas };

    public static PartitionImage From(PartitionRecord record) =>
        new(record.Partition, record.Replicas, record.Isr, record.Leader, record.LeaderEpoch, record.PartitionEpoch)
        {
            AddingReplicas = record.AddingReplicas,
            RemovingReplicas = record.RemovingReplicas,
        };

    public bool Equals(PartitionImage? other) =>
        other is not null && Partition == other.Partition && Replicas.SequenceEqual(other.Replicas) && Isr.SequenceEqual(other.Isr)
        && Leader == other.Leader && LeaderEpoch == other.LeaderEpoch && PartitionEpoch == other.PartitionEpoch
        && AddingReplicas.SequenceEqual(other.AddingReplicas) && RemovingReplicas.SequenceEqual(other.RemovingReplicas);

    public override int GetHashCode() => HashCode.Combine(Partition, Leader, LeaderEpoch, PartitionEpoch);
}
