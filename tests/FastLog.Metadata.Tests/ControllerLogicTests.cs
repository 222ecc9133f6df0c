using System.Collections.Immutable;
using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Tests;

public sealed class ControllerLogicTests
{
    internal static readonly ImmutableSortedDictionary<string, string> NoConfigs = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    internal static MemberStatus Alive(int id, string? rack = null) => new(id, 1, "127.0.0.1", 9090 + id, $"127.0.0.1:{7940 + id}", rack, Alive: true, Gone: false);

    internal static MemberStatus Dead(int id) => Alive(id) with { Alive = false, Gone = true };

    internal static MetadataImage Cluster(params MemberStatus[] members)
    {
        var image = MetadataImage.Empty;
        return image.Apply(ControllerLogic.ReconcileMembership(image, members, uncleanLeaderElection: _ => false), 1);
    }

    internal static MetadataImage Create(MetadataImage image, string name, int partitions, int replicationFactor, out Guid topicId)
    {
        topicId = Guid.NewGuid();
        return image.Apply(ControllerLogic.CreateTopic(image, new TopicCreation(name, partitions, replicationFactor, NoConfigs), topicId), image.Offset + 1);
    }

    /// <summary>Partition 0's followers fell behind: its leader asked for an ISR of itself alone.</summary>
    private static MetadataImage ShrunkToLeader(MetadataImage image, Guid topicId)
    {
        var p = image.TopicsById[topicId].Partitions[0];
        return image.Apply(ControllerLogic.AlterPartition(image, topicId, 0, p.Leader, p.LeaderEpoch, p.PartitionEpoch, [p.Leader]), image.Offset + 1);
    }

    [Fact]
    public void An_isr_change_is_accepted_only_from_the_current_leader_and_partition_epoch()
    {
        var image = Create(Cluster(Alive(1), Alive(2), Alive(3)), "t", 1, 3, out var topicId);
        var p = image.TopicsById[topicId].Partitions[0];
        var follower = p.Replicas[1];

        var shrunk = image.Apply(ControllerLogic.AlterPartition(image, topicId, 0, p.Leader, p.LeaderEpoch, p.PartitionEpoch, p.Isr.Remove(follower)), 5);
        var after = shrunk.TopicsById[topicId].Partitions[0];
        Assert.DoesNotContain(follower, after.Isr);
        Assert.Equal(p.PartitionEpoch + 1, after.PartitionEpoch);
        Assert.Equal(p.LeaderEpoch, after.LeaderEpoch);

        ControllerError Refused(MetadataImage at, int leader, int leaderEpoch, int partitionEpoch, ImmutableArray<int> isr) =>
            Assert.Throws<ControllerException>(() => ControllerLogic.AlterPartition(at, topicId, 0, leader, leaderEpoch, partitionEpoch, isr)).Error;

        // The same request again is stale: its partition epoch has passed.
        Assert.Equal(ControllerError.InvalidUpdateVersion, Refused(shrunk, p.Leader, p.LeaderEpoch, p.PartitionEpoch, p.Isr.Remove(follower)));
        Assert.Equal(ControllerError.FencedLeaderEpoch, Refused(shrunk, follower, p.LeaderEpoch, after.PartitionEpoch, [follower]));
        Assert.Equal(ControllerError.FencedLeaderEpoch, Refused(shrunk, p.Leader, p.LeaderEpoch - 1, after.PartitionEpoch, after.Isr));
        Assert.Equal(ControllerError.InvalidRequest, Refused(shrunk, p.Leader, p.LeaderEpoch, after.PartitionEpoch, [follower]));
        Assert.Equal(ControllerError.InvalidRequest, Refused(shrunk, p.Leader, p.LeaderEpoch, after.PartitionEpoch, [p.Leader, 9]));

        // A fenced follower cannot rejoin; once alive again it can, and the ISR stays in replica order.
        var fenced = shrunk.Apply([new BrokerFencingRecord(follower, Fenced: true)], 6);
        Assert.Equal(ControllerError.IneligibleReplica, Refused(fenced, p.Leader, p.LeaderEpoch, after.PartitionEpoch, after.Isr.Add(follower)));
        var rejoined = shrunk.Apply(ControllerLogic.AlterPartition(shrunk, topicId, 0, p.Leader, p.LeaderEpoch, after.PartitionEpoch, after.Isr.Add(follower)), 7);
        Assert.Equal(p.Replicas.ToArray(), rejoined.TopicsById[topicId].Partitions[0].Isr.ToArray());
    }

    [Fact]
    public void Alive_members_are_registered_and_unfenced()
    {
        var image = Cluster(Alive(1), Alive(2), Alive(3));

        Assert.Equal([1, 2, 3], image.Brokers.Keys);
        Assert.All(image.Brokers.Values, b => Assert.False(b.Fenced));
        Assert.Empty(ControllerLogic.ReconcileMembership(image, [Alive(1), Alive(2), Alive(3)], _ => false));
    }

    [Fact]
    public void Replicas_are_striped_and_the_preferred_leader_leads()
    {
        var image = Create(Cluster(Alive(1), Alive(2), Alive(3)), "t", 6, 3, out _);

        var partitions = image.TopicsByName["t"].Partitions;
        Assert.Equal(6, partitions.Count);
        Assert.All(partitions, p => Assert.Equal(3, p.Replicas.Distinct().Count()));
        Assert.All(partitions, p => Assert.Equal(p.Replicas[0], p.Leader));
        Assert.All(partitions, p => Assert.Equal(p.Replicas.ToArray(), p.Isr.ToArray())); // nothing to replicate yet: every live replica is in sync
        // Each broker leads two of the six partitions.
        Assert.All(partitions.GroupBy(p => p.Leader), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public void Replicas_of_a_partition_go_to_distinct_racks()
    {
        var image = Create(Cluster(Alive(1, "a"), Alive(2, "a"), Alive(3, "b"), Alive(4, "b"), Alive(5, "c"), Alive(6, "c")), "t", 12, 3, out _);

        foreach (var partition in image.TopicsByName["t"].Partitions)
        {
            Assert.Equal(3, partition.Replicas.Select(r => image.Brokers[r].Rack).Distinct().Count());
        }
    }

    [Fact]
    public void A_replication_factor_above_the_live_brokers_is_refused()
    {
        var image = Cluster(Alive(1), Alive(2));

        var e = Assert.Throws<ControllerException>(() => ControllerLogic.CreateTopic(image, new TopicCreation("t", 1, 3, NoConfigs), Guid.NewGuid()));
        Assert.Equal(ControllerError.InvalidReplicationFactor, e.Error);
    }

    [Fact]
    public void Explicit_assignments_are_honoured_and_checked()
    {
        var image = Cluster(Alive(1), Alive(2), Alive(3));
        var creation = new TopicCreation("t", 2, -1, NoConfigs) { Assignments = [[3, 1], [2, 3]] };

        var created = image.Apply(ControllerLogic.CreateTopic(image, creation, Guid.NewGuid()), 2);

        Assert.Equal([3, 1], created.TopicsByName["t"].Partitions[0].Replicas.ToArray());
        Assert.Equal(2, created.TopicsByName["t"].Partitions[1].Leader);
        Assert.Equal(ControllerError.InvalidReplicaAssignment, Assert.Throws<ControllerException>(() =>
            ControllerLogic.CreateTopic(image, creation with { Name = "u", Assignments = [[1, 9]] }, Guid.NewGuid())).Error);
        Assert.Equal(ControllerError.InvalidReplicaAssignment, Assert.Throws<ControllerException>(() =>
            ControllerLogic.CreateTopic(image, creation with { Name = "u", Assignments = [[1, 1]] }, Guid.NewGuid())).Error);
        Assert.Equal(ControllerError.TopicAlreadyExists, Assert.Throws<ControllerException>(() =>
            ControllerLogic.CreateTopic(created, creation, Guid.NewGuid())).Error);
    }

    [Fact]
    public void Fencing_the_last_isr_member_takes_the_partition_offline_without_unclean_election()
    {
        var image = ShrunkToLeader(Create(Cluster(Alive(1), Alive(2), Alive(3)), "t", 1, 3, out var topicId), topicId);
        var leader = image.TopicsByName["t"].Partitions[0].Leader;

        var after = image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(leader)], uncleanLeaderElection: _ => false), 10);

        var partition = after.TopicsByName["t"].Partitions[0];
        Assert.True(after.Brokers[leader].Fenced);
        Assert.Equal(PartitionRecord.NoLeader, partition.Leader);
        Assert.Equal([leader], partition.Isr.ToArray()); // the last in-sync replica stays, so it can lead again
        Assert.Equal(1, partition.LeaderEpoch);
        Assert.Equal(2, partition.PartitionEpoch);

        // It comes back: it leads again, with a new epoch.
        var back = after.Apply(ControllerLogic.ReconcileMembership(after, [Alive(leader)], _ => false), 11);
        Assert.Equal(leader, back.TopicsByName["t"].Partitions[0].Leader);
        Assert.Equal(2, back.TopicsByName["t"].Partitions[0].LeaderEpoch);
    }

    [Fact]
    public void Fencing_moves_leadership_to_the_first_live_isr_member()
    {
        var image = Cluster(Alive(1), Alive(2), Alive(3));
        var topicId = Guid.NewGuid();
        image = image.Apply(ControllerLogic.CreateTopic(image, new TopicCreation("t", 1, -1, NoConfigs) { Assignments = [[1, 2, 3]] }, topicId), 2);
        // As replication (part 2) would leave it: every replica in sync.
        image = image.Apply([new PartitionRecord(topicId, 0, [1, 2, 3], [1, 2, 3], 1, 0, 1)], 3);

        var after = image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(1)], _ => false), 4);

        var partition = after.TopicsByName["t"].Partitions[0];
        Assert.Equal(2, partition.Leader);
        Assert.Equal([2, 3], partition.Isr.ToArray());
        Assert.Equal(1, partition.LeaderEpoch);

        // The preferred leader returns to the ISR (as replication would put it back) and takes leadership back.
        var rejoined = after.Apply(ControllerLogic.ReconcileMembership(after, [Alive(1)], _ => false), 5);
        rejoined = rejoined.Apply([rejoined.TopicsByName["t"].Partitions[0].ToRecord(topicId) with { Isr = [2, 3, 1] }], 6);
        var preferred = ControllerLogic.ElectLeaders(rejoined, _ => false).Single();
        Assert.Equal(1, preferred.Leader);
        Assert.Equal(2, preferred.LeaderEpoch);
    }

    [Fact]
    public void Unclean_election_picks_a_live_out_of_sync_replica_when_allowed()
    {
        var image = ShrunkToLeader(Create(Cluster(Alive(1), Alive(2), Alive(3)), "t", 1, 2, out var topicId), topicId);
        var partition = image.TopicsByName["t"].Partitions[0];

        Assert.Equal(PartitionRecord.NoLeader, image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(partition.Leader)], uncleanLeaderElection: _ => false), 10)
            .TopicsByName["t"].Partitions[0].Leader);
        var after = image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(partition.Leader)], uncleanLeaderElection: _ => true), 10);

        var moved = after.TopicsByName["t"].Partitions[0];
        Assert.Equal(partition.Replicas[1], moved.Leader);
        Assert.Equal([partition.Replicas[1]], moved.Isr.ToArray());
    }

    [Fact]
    public void A_suspect_or_unmentioned_broker_is_left_alone()
    {
        var image = Create(Cluster(Alive(1), Alive(2)), "t", 2, 1, out _);

        Assert.Empty(ControllerLogic.ReconcileMembership(image, [Alive(1) with { Alive = false }], _ => false));
        Assert.Empty(ControllerLogic.ReconcileMembership(image, [], _ => false));
    }

    [Fact]
    public void Producer_id_blocks_never_overlap()
    {
        var image = Cluster(Alive(1), Alive(2));
        var first = (ProducerIdsRecord)ControllerLogic.AllocateProducerIds(image, 1, 1000).Single();
        image = image.Apply([first], 2);
        var second = (ProducerIdsRecord)ControllerLogic.AllocateProducerIds(image, 2, 1000).Single();

        Assert.Equal(0, first.FirstId);
        Assert.Equal(1000, second.FirstId);
    }

    [Fact]
    public void Partitions_are_added_with_the_topic_replication_factor()
    {
        var image = Create(Cluster(Alive(1), Alive(2), Alive(3)), "t", 1, 2, out _);

        var grown = image.Apply(ControllerLogic.CreatePartitions(image, "t", 4, null), 5);

        Assert.Equal(4, grown.TopicsByName["t"].Partitions.Count);
        Assert.All(grown.TopicsByName["t"].Partitions, p => Assert.Equal(2, p.Replicas.Length));
        Assert.Equal(ControllerError.InvalidPartitions, Assert.Throws<ControllerException>(() => ControllerLogic.CreatePartitions(grown, "t", 4, null)).Error);
    }

    [Fact]
    public void An_image_rebuilt_from_its_records_is_the_same()
    {
        var image = Create(Cluster(Alive(1), Alive(2, "r")), "t", 3, 2, out _);
        image = image.Apply(ControllerLogic.AllocateProducerIds(image, 1, 1000), 9);

        var rebuilt = MetadataImage.Empty.Apply(MetadataCodec.Decode(MetadataCodec.Encode(image.ToRecords())), image.Offset);

        Assert.Equal(image.Brokers.Values, rebuilt.Brokers.Values);
        Assert.Equal(image.TopicsByName["t"].Partitions, rebuilt.TopicsByName["t"].Partitions);
        Assert.Equal(image.TopicsByName["t"].TopicId, rebuilt.TopicsByName["t"].TopicId);
        Assert.Equal(image.NextProducerId, rebuilt.NextProducerId);
    }
}
