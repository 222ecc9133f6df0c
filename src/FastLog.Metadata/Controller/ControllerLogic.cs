using System.Collections.Immutable;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Controller;

/// <summary>
/// The controller's decisions as pure functions of the committed image: each returns the records
/// to append (one quorum log entry), or throws <see cref="ControllerException"/>. No sockets, no
/// clocks, no randomness: the same image and request give the same records, which is what the
/// deterministic tests check and what makes a new controller continue where the old one stopped.
/// <para>Leadership rules (Kafka's, with <c>unclean.leader.election.enable=false</c> by default):
/// a leader is always a live (unfenced) member of the ISR, chosen in replica order (the first
/// replica is the preferred leader); fencing a broker removes it from every ISR, except that the
/// last ISR member stays (the partition is then offline, leader -1, until that broker returns or
/// an unclean election is allowed for its topic); every leader change raises the leader epoch and every change
/// the partition epoch. During a reassignment the replicas are the target followed by the replicas
/// being removed, so the preferred leader is the target's first.</para>
/// </summary>
public static class ControllerLogic
{
    /// <summary>Records that create a topic with its partitions placed (or as explicitly assigned).</summary>
    public static IReadOnlyList<MetadataRecord> CreateTopic(MetadataImage image, TopicCreation creation, Guid topicId)
    {
        if (image.TopicsByName.ContainsKey(creation.Name))
        {
            throw new ControllerException(ControllerError.TopicAlreadyExists, $"Topic '{creation.Name}' already exists.");
        }

        var replicas = creation.Assignments is { } assignments
            ? ValidateAssignments(image, assignments, creation.ReplicationFactor > 0 ? creation.ReplicationFactor : (assignments.Count > 0 ? assignments[0].Count : 0))
            : Place(image, 0, creation.PartitionCount, creation.ReplicationFactor, image.TopicsByName.Count);
        var records = new List<MetadataRecord> { new TopicRecord(creation.Name, topicId, creation.Configs) };
        records.AddRange(replicas.Select((r, p) => NewPartition(image, topicId, p, r)));
        return records;
    }

    /// <summary>Records that grow a topic to <paramref name="newTotal"/> partitions.</summary>
    public static IReadOnlyList<MetadataRecord> CreatePartitions(MetadataImage image, string topicName, int newTotal, IReadOnlyList<IReadOnlyList<int>>? assignments)
    {
        var topic = RequireTopic(image, topicName);
        var existing = topic.Partitions.Count;
        if (newTotal <= existing)
        {
            throw new ControllerException(ControllerError.InvalidPartitions, $"Topic '{topicName}' has {existing} partitions; the new count must be larger, not {newTotal}.");
        }

        var replicationFactor = topic.Partitions.Count > 0 ? topic.Partitions[0].TargetReplicas.Length : 1;
        var replicas = assignments is not null
            ? assignments.Count == newTotal - existing
                ? ValidateAssignments(image, assignments, replicationFactor)
                : throw new ControllerException(ControllerError.InvalidReplicaAssignment, $"{assignments.Count} assignments given for {newTotal - existing} new partitions.")
            : Place(image, existing, newTotal - existing, replicationFactor, topic.TopicId.GetHashCode() & int.MaxValue);
        return replicas.Select((r, i) => (MetadataRecord)NewPartition(image, topic.TopicId, existing + i, r)).ToList();
    }

    public static IReadOnlyList<MetadataRecord> DeleteTopic(MetadataImage image, string topicName) =>
        [new RemoveTopicRecord(RequireTopic(image, topicName).TopicId)];

    public static IReadOnlyList<MetadataRecord> AlterTopicConfigs(MetadataImage image, string topicName, ImmutableSortedDictionary<string, string> configs) =>
        [new TopicConfigRecord(RequireTopic(image, topicName).TopicId, configs)];

    /// <summary>A block of <paramref name="count"/> producer ids for <paramref name="brokerId"/>, starting at the image's watermark.</summary>
    public static IReadOnlyList<MetadataRecord> AllocateProducerIds(MetadataImage image, int brokerId, int count) =>
        [new ProducerIdsRecord(brokerId, image.NextProducerId, count)];

    /// <summary>
    /// What gossip's view changes: brokers to register (new, or a new address or rack), to unfence
    /// (alive again) or to fence (Dead or Left), and the leader and ISR changes that follow. A
    /// broker gossip does not mention, or holds Suspect, is left as it is. Empty when nothing changes.
    /// </summary>
    public static IReadOnlyList<MetadataRecord> ReconcileMembership(MetadataImage image, IEnumerable<MemberStatus> members, Func<TopicImage, bool> uncleanLeaderElection)
    {
        var records = new List<MetadataRecord>();
        foreach (var member in members)
        {
            image.Brokers.TryGetValue(member.BrokerId, out var registered);
            if (member.Alive)
            {
                if (registered is null || registered.KafkaHost != member.KafkaHost || registered.KafkaPort != member.KafkaPort
                    || registered.GossipEndPoint != member.GossipEndPoint || registered.Rack != member.Rack)
                {
                    records.Add(new RegisterBrokerRecord(member.BrokerId, member.Incarnation, member.KafkaHost, member.KafkaPort, member.GossipEndPoint, member.Rack));
                    records.Add(new BrokerFencingRecord(member.BrokerId, Fenced: false));
                }
                else if (registered.Fenced)
                {
                    records.Add(new BrokerFencingRecord(member.BrokerId, Fenced: false));
                }
            }
            else if (member.Gone && registered is { Fenced: false })
            {
                records.Add(new BrokerFencingRecord(member.BrokerId, Fenced: true));
            }
        }

        records.AddRange(ElectLeaders(image.Apply(records, image.Offset), uncleanLeaderElection));
        return records;
    }

    /// <summary>
    /// Partition changes the brokers' liveness calls for: fenced brokers out of the ISRs (all but
    /// the last member), a new leader where the leader is not a live ISR member, and leadership
    /// back to the preferred replica where it is a live ISR member.
    /// </summary>
    public static IEnumerable<PartitionRecord> ElectLeaders(MetadataImage image, Func<TopicImage, bool> uncleanLeaderElection)
    {
        foreach (var topic in image.TopicsByName.Values)
        {
            foreach (var partition in topic.Partitions)
            {
                // A reassignment waiting for a live in-sync target replica completes once one is back.
                var completed = CompleteReassignment(image, partition) ?? partition;
                if (Changed(partition, WithElectedLeader(image, completed, uncleanLeaderElection(topic))) is { } changed)
                {
                    yield return changed.ToRecord(topic.TopicId);
                }
            }
        }
    }

    /// <summary>
    /// The partition with the leader and ISR the leadership rules give it: fenced members out of the
    /// ISR (all but the last), the first live ISR member in replica order leading, or with
    /// <paramref name="unclean"/> and no live ISR member, the first live replica with an ISR of itself.
    /// Epochs are left as they are (see <see cref="Changed"/>).
    /// </summary>
    private static PartitionImage WithElectedLeader(MetadataImage image, PartitionImage partition, bool unclean)
    {
        var liveIsr = partition.Isr.Where(image.IsLive).ToImmutableArray();
        var isr = liveIsr.IsEmpty ? partition.Isr : liveIsr; // the last ISR member stays, alive or not
        var leader = partition.Replicas.FirstOrDefault(r => liveIsr.Contains(r), PartitionRecord.NoLeader);
        if (leader == PartitionRecord.NoLeader && unclean && partition.Replicas.FirstOrDefault(image.IsLive, PartitionRecord.NoLeader) is var survivor and not PartitionRecord.NoLeader)
        {
            // Unclean election: an out-of-sync replica leads, and what only the old ISR had is lost.
            (leader, isr) = (survivor, [survivor]);
        }

        return partition with { Isr = isr, Leader = leader };
    }

    /// <summary>
    /// <paramref name="after"/> with its epochs raised from <paramref name="before"/>'s (the leader
    /// epoch when the leader changed, the partition epoch at any change); null when nothing changed.
    /// </summary>
    private static PartitionImage? Changed(PartitionImage before, PartitionImage after) =>
        (after with { LeaderEpoch = before.LeaderEpoch, PartitionEpoch = before.PartitionEpoch }).Equals(before)
            ? null
            : after with
            {
                LeaderEpoch = after.Leader == before.Leader ? before.LeaderEpoch : before.LeaderEpoch + 1,
                PartitionEpoch = before.PartitionEpoch + 1,
            };

    /// <summary>
    /// A new partition: every live replica is in sync (there is nothing to replicate yet), led by
    /// the first of them. Without a live replica it starts offline, its ISR the first replica.
    /// </summary>
    private static PartitionRecord NewPartition(MetadataImage image, Guid topicId, int partition, ImmutableArray<int> replicas)
    {
        var live = replicas.Where(image.IsLive).ToImmutableArray();
        return live.IsEmpty
            ? new PartitionRecord(topicId, partition, replicas, [replicas[0]], PartitionRecord.NoLeader, 0, 0)
            : new PartitionRecord(topicId, partition, replicas, live, live[0], 0, 0);
    }

    /// <summary>
    /// Kafka's AlterPartition: a partition's leader asks for a new ISR (a follower fell more than
    /// replica.lag.time.max.ms behind, or caught up again). Accepted only from the current leader at
    /// its current leader epoch and partition epoch (a stale request, sent before a leader or ISR
    /// change the sender has not seen, is refused so it cannot undo that change); the new ISR must
    /// be replicas, include the leader, and every member it adds must be live (unfenced). The record
    /// raises the partition epoch; the leader uses the new ISR only once it is committed.
    /// </summary>
    public static IReadOnlyList<MetadataRecord> AlterPartition(MetadataImage image, Guid topicId, int partition, int leaderId, int leaderEpoch, int partitionEpoch, ImmutableArray<int> newIsr)
    {
        if (!image.TopicsById.TryGetValue(topicId, out var topic) || partition < 0 || partition >= topic.Partitions.Count)
        {
            throw new ControllerException(ControllerError.UnknownTopic, $"Partition {partition} of topic {topicId} does not exist.");
        }

        var current = topic.Partitions[partition];
        if (current.Leader != leaderId || current.LeaderEpoch != leaderEpoch)
        {
            throw new ControllerException(ControllerError.FencedLeaderEpoch,
                $"{topic.Name}-{partition}: broker {leaderId} at leader epoch {leaderEpoch} is not the leader (leader {current.Leader}, epoch {current.LeaderEpoch}).");
        }

        if (current.PartitionEpoch != partitionEpoch)
        {
            throw new ControllerException(ControllerError.InvalidUpdateVersion,
                $"{topic.Name}-{partition}: partition epoch {partitionEpoch} is stale (now {current.PartitionEpoch}).");
        }

        if (newIsr.IsEmpty || !newIsr.Contains(leaderId) || newIsr.Distinct().Count() != newIsr.Length || newIsr.Any(r => !current.Replicas.Contains(r)))
        {
            throw new ControllerException(ControllerError.InvalidRequest,
                $"{topic.Name}-{partition}: ISR [{string.Join(",", newIsr)}] must be distinct replicas of [{string.Join(",", current.Replicas)}] including the leader {leaderId}.");
        }

        if (newIsr.FirstOrDefault(r => !current.Isr.Contains(r) && !image.IsLive(r), int.MinValue) is var fenced and not int.MinValue)
        {
            throw new ControllerException(ControllerError.IneligibleReplica, $"{topic.Name}-{partition}: broker {fenced} is fenced and cannot join the ISR.");
        }

        // Kept in replica order, so the ISR reads the same however members joined.
        var altered = current with { Isr = current.Replicas.Where(newIsr.Contains).ToImmutableArray() };
        // The last replica a reassignment adds joining the ISR completes it in the same record.
        var settled = CompleteReassignment(image, altered) is { } completed ? WithElectedLeader(image, completed, unclean: false) : altered;
        return Changed(current, settled) is { } changed ? [changed.ToRecord(topicId)] : [];
    }

    /// <summary>
    /// Kafka's AlterPartitionReassignments for one partition (KIP-455): moves it to
    /// <paramref name="target"/> replicas, or with null cancels the reassignment in progress.
    /// <para>A reassignment first adds: the replicas become the target followed by the original
    /// replicas it drops, the new ones (adding) copy the log from the leader as followers, and the
    /// ISR and leader stay. Once every adding replica is in the ISR, it completes (see
    /// <see cref="CompleteReassignment"/>): the dropped ones (removing) leave and delete their copy.
    /// A target the ISR already covers completes at once. A new target replaces a running
    /// reassignment as if it had been cancelled first (Kafka's original-replicas rule). Cancelling
    /// goes back to the original replicas (less the ones being added, in the order they are now).</para>
    /// <para>Refused: an unknown topic or partition (UnknownTopic); a target that is empty, names a
    /// broker twice or an unregistered broker (InvalidReplicaAssignment); with
    /// <paramref name="allowReplicationFactorChange"/> false, a target of another size than the
    /// original replicas (InvalidReplicationFactor); a cancel with nothing to cancel
    /// (NoReassignmentInProgress); a change that would drop every ISR member, the only replicas
    /// that hold every acknowledged record (InvalidReplicaAssignment). Empty when nothing changes
    /// (the target is the current assignment).</para>
    /// </summary>
    public static IReadOnlyList<MetadataRecord> AlterPartitionReassignment(MetadataImage image, string topicName, int partition, ImmutableArray<int>? target, bool allowReplicationFactorChange = true)
    {
        var (topic, current) = RequirePartition(image, topicName, partition);
        var original = current.OriginalReplicas;
        PartitionImage next;
        if (target is { } replicas)
        {
            ValidateAssignments(image, [replicas], replicationFactor: 0);
            if (!allowReplicationFactorChange && replicas.Length != original.Length)
            {
                throw new ControllerException(ControllerError.InvalidReplicationFactor,
                    $"{topicName}-{partition}: {replicas.Length} target replicas would change the replication factor {original.Length}, which the request does not allow.");
            }

            next = current with
            {
                Replicas = [.. replicas, .. original.Where(r => !replicas.Contains(r))],
                AddingReplicas = replicas.Where(r => !original.Contains(r)).ToImmutableArray(),
                RemovingReplicas = original.Where(r => !replicas.Contains(r)).ToImmutableArray(),
            };
        }
        else
        {
            next = current.IsReassigning
                ? current with { Replicas = original, AddingReplicas = [], RemovingReplicas = [] }
                : throw new ControllerException(ControllerError.NoReassignmentInProgress, $"{topicName}-{partition} has no reassignment to cancel.");
        }

        next = next with { Isr = next.Replicas.Where(current.Isr.Contains).ToImmutableArray() };
        if (next.Isr.IsEmpty)
        {
            throw new ControllerException(ControllerError.InvalidReplicaAssignment,
                $"{topicName}-{partition}: replicas [{string.Join(",", next.Replicas)}] keep none of the in-sync replicas [{string.Join(",", current.Isr)}], the only ones known to hold every acknowledged record.");
        }

        // While it runs, the leader stays unless it left the ISR; a completed, reverted or merely
        // reordered assignment gets the leader the rules give it (the preferred one where it can).
        var settled = CompleteReassignment(image, next) ?? next;
        if (!settled.IsReassigning || !settled.Isr.Contains(settled.Leader))
        {
            settled = WithElectedLeader(image, settled, unclean: false);
        }

        return Changed(current, settled) is { } changed ? [changed.ToRecord(topic.TopicId)] : [];
    }

    /// <summary>
    /// A reassignment that can complete, completed: every adding replica is in the ISR and the ISR
    /// keeps a live member among the target replicas. The replicas become the target (in its order),
    /// the ISR loses the removed ones, and the adding and removing lists clear; the caller then elects
    /// (the removed leader, or one that is no longer the preferred live ISR member, is replaced). Null
    /// when no reassignment runs or it must wait.
    /// </summary>
    private static PartitionImage? CompleteReassignment(MetadataImage image, PartitionImage partition)
    {
        if (!partition.IsReassigning || partition.AddingReplicas.Any(r => !partition.Isr.Contains(r)))
        {
            return null;
        }

        var target = partition.TargetReplicas;
        var isr = partition.Isr.Where(target.Contains).ToImmutableArray();
        return isr.Any(image.IsLive)
            ? partition with { Replicas = target, Isr = isr, AddingReplicas = [], RemovingReplicas = [] }
            : null;
    }

    /// <summary>
    /// Kafka's ElectLeaders (KIP-460) for <paramref name="partitions"/>, or with null for every
    /// partition (whose outcomes then leave out the partitions that needed no election, as Kafka's do).
    /// Preferred: the first replica leads if it is a live ISR member (ElectionNotNeeded when it
    /// already does, PreferredLeaderNotAvailable when it cannot). Unclean: a partition without a live
    /// ISR leader gets the first live ISR member, else the first live replica with an ISR of itself,
    /// whatever the topic's unclean.leader.election.enable, as Kafka does for an explicit request
    /// (ElectionNotNeeded when it has a leader, EligibleLeadersNotAvailable when no replica is live).
    /// </summary>
    public static LeaderElections ElectLeaders(MetadataImage image, ElectionType type, IReadOnlyList<(string Topic, int Partition)>? partitions)
    {
        var records = new List<MetadataRecord>();
        var outcomes = new List<ElectionOutcome>();
        var asked = partitions?.Distinct() ?? image.TopicsByName.Values.SelectMany(t => t.Partitions.Select(p => (t.Name, p.Partition)));
        foreach (var (topicName, partition) in asked)
        {
            try
            {
                var (topic, current) = RequirePartition(image, topicName, partition);
                records.Add(Changed(current, Elect(image, topicName, current, type))!.ToRecord(topic.TopicId));
                outcomes.Add(new ElectionOutcome(topicName, partition, null, null));
            }
            catch (ControllerException e) when (partitions is not null || e.Error != ControllerError.ElectionNotNeeded)
            {
                outcomes.Add(new ElectionOutcome(topicName, partition, e.Error, e.Message));
            }
            catch (ControllerException)
            {
                // Every partition was asked for: the ones already led as asked are not reported.
            }
        }

        return new LeaderElections(records, outcomes);
    }

    /// <summary>The partition with the leader an explicit election of <paramref name="type"/> gives it; throws when it needs or allows none.</summary>
    private static PartitionImage Elect(MetadataImage image, string topicName, PartitionImage partition, ElectionType type)
    {
        var name = $"{topicName}-{partition.Partition}";
        if (type == ElectionType.Preferred)
        {
            var preferred = partition.Replicas[0];
            return partition.Leader == preferred
                ? throw new ControllerException(ControllerError.ElectionNotNeeded, $"{name}: the preferred replica {preferred} already leads.")
                : image.IsLive(preferred) && partition.Isr.Contains(preferred)
                    ? partition with { Leader = preferred }
                    : throw new ControllerException(ControllerError.PreferredLeaderNotAvailable, $"{name}: the preferred replica {preferred} is not a live in-sync replica.");
        }

        if (partition.HasLeader && image.IsLive(partition.Leader) && partition.Isr.Contains(partition.Leader))
        {
            throw new ControllerException(ControllerError.ElectionNotNeeded, $"{name}: broker {partition.Leader} leads it in sync.");
        }

        var elected = WithElectedLeader(image, partition, unclean: true);
        return elected.HasLeader
            ? elected
            : throw new ControllerException(ControllerError.EligibleLeadersNotAvailable, $"{name}: none of its replicas [{string.Join(",", partition.Replicas)}] is live.");
    }

    private static IReadOnlyList<ImmutableArray<int>> Place(MetadataImage image, int firstPartition, int count, int replicationFactor, int start)
    {
        if (count < 1)
        {
            throw new ControllerException(ControllerError.InvalidPartitions, $"Number of partitions must be at least 1, not {count}.");
        }

        return ReplicaPlacement.Assign(image.LiveBrokers.ToList(), firstPartition, count, replicationFactor, start);
    }

    private static List<ImmutableArray<int>> ValidateAssignments(MetadataImage image, IReadOnlyList<IReadOnlyList<int>> assignments, int replicationFactor)
    {
        var result = new List<ImmutableArray<int>>(assignments.Count);
        foreach (var replicas in assignments)
        {
            if (replicas.Count == 0 || replicas.Distinct().Count() != replicas.Count)
            {
                throw new ControllerException(ControllerError.InvalidReplicaAssignment, "Every partition needs at least one replica, each broker at most once.");
            }

            if (replicas.FirstOrDefault(r => !image.Brokers.ContainsKey(r), int.MinValue) is var unknown and not int.MinValue)
            {
                throw new ControllerException(ControllerError.InvalidReplicaAssignment, $"Broker {unknown} in the assignment is not registered.");
            }

            if (replicationFactor > 0 && replicas.Count != replicationFactor)
            {
                throw new ControllerException(ControllerError.InvalidReplicaAssignment, $"Every partition must have {replicationFactor} replicas, like the topic's others.");
            }

            result.Add([.. replicas]);
        }

        return result;
    }

    private static (TopicImage Topic, PartitionImage Partition) RequirePartition(MetadataImage image, string topicName, int partition)
    {
        var topic = RequireTopic(image, topicName);
        return partition >= 0 && partition < topic.Partitions.Count
            ? (topic, topic.Partitions[partition])
            : throw new ControllerException(ControllerError.UnknownTopic, $"Partition {partition} of topic '{topicName}' does not exist.");
    }

    private static TopicImage RequireTopic(MetadataImage image, string name) =>
        image.TopicsByName.GetValueOrDefault(name) ?? throw new ControllerException(ControllerError.UnknownTopic, $"Topic '{name}' does not exist.");
}
