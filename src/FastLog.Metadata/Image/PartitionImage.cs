using System.Collections.Immutable;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Image;

/// <summary>One partition's replicas, ISR and leader as the metadata image holds them.</summary>
public sealed record PartitionImage(int Partition, ImmutableArray<int> Replicas, ImmutableArray<int> Isr, int Leader, int LeaderEpoch, int PartitionEpoch)
{
    public bool HasLeader => Leader != PartitionRecord.NoLeader;

    public PartitionRecord ToRecord(Guid topicId) => new(topicId, Partition, Replicas, Isr, Leader, LeaderEpoch, PartitionEpoch);

    public static PartitionImage From(PartitionRecord record) =>
        new(record.Partition, record.Replicas, record.Isr, record.Leader, record.LeaderEpoch, record.PartitionEpoch);

    public bool Equals(PartitionImage? other) =>
        other is not null && Partition == other.Partition && Replicas.SequenceEqual(other.Replicas) && Isr.SequenceEqual(other.Isr)
        && Leader == other.Leader && LeaderEpoch == other.LeaderEpoch && PartitionEpoch == other.PartitionEpoch;

    public override int GetHashCode() => HashCode.Combine(Partition, Leader, LeaderEpoch, PartitionEpoch);
}
