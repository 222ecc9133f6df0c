using System.Collections.Immutable;

namespace FastLog.Broker.Replication;

/// <summary>
/// A leader's request for a new ISR (Kafka's AlterPartition), made at the leader and partition
/// epochs it last saw, so the controller can refuse it once either has moved on.
/// </summary>
public sealed record IsrChange(Guid TopicId, string Topic, int Partition, int LeaderEpoch, int PartitionEpoch, ImmutableArray<int> NewIsr);
