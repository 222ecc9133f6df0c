using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;
using static FastLog.Metadata.Tests.ControllerLogicTests;

namespace FastLog.Metadata.Tests;

/// <summary>ControllerLogic.AlterPartitionReassignment (KIP-455): start, completion, cancellation, refusals.</summary>
public sealed class PartitionReassignmentTests
{
    private Guid _topicId;

    /// <summary>Brokers 1–4 live; topic "t" with one partition on [1, 2], both in sync, 1 leading.</summary>
    private MetadataImage OnOneAndTwo()
    {
        var image = Cluster(Alive(1), Alive(2), Alive(3), Alive(4));
        _topicId = Guid.NewGuid();
        return image.Apply(ControllerLogic.CreateTopic(image, new TopicCreation("t", 1, -1, NoConfigs) { Assignments = [[1, 2]] }, _topicId), 2);
    }

    private static PartitionImage P(MetadataImage image) => image.TopicsByName["t"].Partitions[0];

    private static MetadataImage Reassign(MetadataImage image, int[]? target) =>
        image.Apply(ControllerLogic.AlterPartitionReassignment(image, "t", 0, target is null ? null : [.. target]), image.Offset + 1);

    /// <summary>The leader asks for <paramref name="isr"/>, as its replication would once a follower caught up.</summary>
    private MetadataImage LeaderAsksFor(MetadataImage image, params int[] isr)
    {
        var p = P(image);
        return image.Apply(ControllerLogic.AlterPartition(image, _topicId, 0, p.Leader, p.LeaderEpoch, p.PartitionEpoch, [.. isr]), image.Offset + 1);
    }

    private static ControllerError Refusal(MetadataImage image, string topic, int partition, int[]? target, bool allowReplicationFactorChange = true) =>
        Assert.Throws<ControllerException>(() => ControllerLogic.AlterPartitionReassignment(image, topic, partition, target is null ? null : [.. target], allowReplicationFactorChange)).Error;

    [Fact]
    public void A_reassignment_first_adds_the_new_replicas_and_keeps_the_isr_and_leader()
    {
        var image = OnOneAndTwo();
        var before = P(image);

        var started = P(Reassign(image, [2, 3]));

        Assert.Equal([2, 3, 1], started.Replicas.ToArray());
        Assert.Equal([3], started.AddingReplicas.ToArray());
        Assert.Equal([1], started.RemovingReplicas.ToArray());
        Assert.Equal([2, 1], started.Isr.ToArray()); // the same members, in the new replica order
        Assert.Equal(1, started.Leader);
        Assert.Equal(before.LeaderEpoch, started.LeaderEpoch);
        Assert.Equal(before.PartitionEpoch + 1, started.PartitionEpoch);
    }

    [Fact]
    public void It_completes_when_the_last_added_replica_joins_the_isr_and_a_removed_leader_hands_over()
    {
        var image = Reassign(OnOneAndTwo(), [2, 3]);
        var started = P(image);

        var completed = P(LeaderAsksFor(image, 1, 2, 3));

        Assert.Equal([2, 3], completed.Replicas.ToArray());
        Assert.Equal([2, 3], completed.Isr.ToArray());
        Assert.Empty(completed.AddingReplicas);
        Assert.Empty(completed.RemovingReplicas);
        Assert.False(completed.IsReassigning);
        Assert.Equal(2, completed.Leader); // 1 is removed: the first live ISR member of the target leads
        Assert.Equal(started.LeaderEpoch + 1, completed.LeaderEpoch);
        Assert.Equal(started.PartitionEpoch + 1, completed.PartitionEpoch);
    }

    [Fact]
    public void It_waits_for_every_added_replica()
    {
        var image = Reassign(OnOneAndTwo(), [3, 4]);

        var halfway = P(LeaderAsksFor(image, 1, 2, 3));

        Assert.Equal([3, 4, 1, 2], halfway.Replicas.ToArray());
        Assert.Equal([3, 1, 2], halfway.Isr.ToArray());
        Assert.Equal([3, 4], halfway.AddingReplicas.ToArray());
        Assert.Equal(1, halfway.Leader);
    }

    [Fact]
    public void A_target_the_isr_already_covers_completes_at_once()
    {
        var image = OnOneAndTwo();

        var shrunk = P(Reassign(image, [2]));
        Assert.Equal([2], shrunk.Replicas.ToArray());
        Assert.Equal([2], shrunk.Isr.ToArray());
        Assert.Equal(2, shrunk.Leader);
        Assert.False(shrunk.IsReassigning);

        // A new order makes a new preferred leader, which leads at once.
        var reordered = P(Reassign(image, [2, 1]));
        Assert.Equal([2, 1], reordered.Replicas.ToArray());
        Assert.Equal(2, reordered.Leader);
        Assert.Equal(P(image).LeaderEpoch + 1, reordered.LeaderEpoch);

        // The current assignment again changes nothing.
        Assert.Empty(ControllerLogic.AlterPartitionReassignment(image, "t", 0, [1, 2]));
    }

    [Fact]
    public void Without_a_live_in_sync_target_replica_it_waits_until_one_returns()
    {
        // The added replica 3 joined the ISR, then every target replica was fenced before completion could elect it.
        var image = Cluster(Alive(1), Alive(2), Alive(3));
        var topicId = Guid.NewGuid();
        image = image.Apply([new TopicRecord("t", topicId, NoConfigs), new PartitionRecord(topicId, 0, [3, 1], [3], PartitionRecord.NoLeader, 4, 9) { AddingReplicas = [3], RemovingReplicas = [1] }], 2);
        image = image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(3)], _ => false), 3);
        Assert.True(P(image).IsReassigning);
        Assert.Equal(PartitionRecord.NoLeader, P(image).Leader);

        var back = image.Apply(ControllerLogic.ReconcileMembership(image, [Alive(3)], _ => false), 4);

        var completed = P(back);
        Assert.Equal([3], completed.Replicas.ToArray());
        Assert.Equal([3], completed.Isr.ToArray());
        Assert.Equal(3, completed.Leader);
        Assert.Equal(5, completed.LeaderEpoch);
        Assert.False(completed.IsReassigning);
    }

    [Fact]
    public void Cancelling_reverts_to_the_original_replicas()
    {
        var image = LeaderAsksFor(Reassign(OnOneAndTwo(), [3, 4]), 1, 2, 3);

        var reverted = P(Reassign(image, null));

        Assert.Equal([1, 2], reverted.Replicas.ToArray());
        Assert.Equal([1, 2], reverted.Isr.ToArray());
        Assert.False(reverted.IsReassigning);
        Assert.Equal(1, reverted.Leader);
        Assert.Equal(ControllerError.NoReassignmentInProgress, Refusal(Reassign(image, null), "t", 0, null));
    }

    [Fact]
    public void A_new_target_replaces_a_running_reassignment_from_the_original_replicas()
    {
        var image = Reassign(OnOneAndTwo(), [2, 3]);

        var replaced = P(Reassign(image, [4]));

        // The original replicas are [2, 3, 1] less 3, only being added, which is dropped.
        Assert.Equal([4, 2, 1], replaced.Replicas.ToArray());
        Assert.Equal([4], replaced.AddingReplicas.ToArray());
        Assert.Equal([2, 1], replaced.RemovingReplicas.ToArray());
        Assert.Equal([2, 1], replaced.Isr.ToArray());
        Assert.Equal(1, replaced.Leader);
    }

    [Fact]
    public void A_change_that_would_drop_every_in_sync_replica_is_refused()
    {
        // 3 was added and caught up, then the original replicas died: 3 alone holds the data.
        var image = LeaderAsksFor(Reassign(OnOneAndTwo(), [3, 4]), 1, 2, 3);
        image = image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(1), Dead(2)], _ => false), image.Offset + 1);
        Assert.Equal([3], P(image).Isr.ToArray());

        Assert.Equal(ControllerError.InvalidReplicaAssignment, Refusal(image, "t", 0, null));
    }

    [Fact]
    public void Bad_requests_get_kafka_errors()
    {
        var image = OnOneAndTwo();

        Assert.Equal(ControllerError.UnknownTopic, Refusal(image, "nope", 0, [1]));
        Assert.Equal(ControllerError.UnknownTopic, Refusal(image, "t", 1, [1]));
        Assert.Equal(ControllerError.UnknownTopic, Refusal(image, "t", -1, [1]));
        Assert.Equal(ControllerError.InvalidReplicaAssignment, Refusal(image, "t", 0, []));
        Assert.Equal(ControllerError.InvalidReplicaAssignment, Refusal(image, "t", 0, [2, 2]));
        Assert.Equal(ControllerError.InvalidReplicaAssignment, Refusal(image, "t", 0, [2, 9]));
        Assert.Equal(ControllerError.NoReassignmentInProgress, Refusal(image, "t", 0, null));
        Assert.Equal(ControllerError.InvalidReplicationFactor, Refusal(image, "t", 0, [3], allowReplicationFactorChange: false));
        Assert.NotEmpty(ControllerLogic.AlterPartitionReassignment(image, "t", 0, [3, 4], allowReplicationFactorChange: false));
    }

    [Fact]
    public void Partitions_added_during_a_reassignment_get_the_target_replication_factor()
    {
        var image = Reassign(OnOneAndTwo(), [3]);

        var grown = image.Apply(ControllerLogic.CreatePartitions(image, "t", 2, null), image.Offset + 1);

        Assert.Single(grown.TopicsByName["t"].Partitions[1].Replicas);
    }

    [Fact]
    public void A_reassigning_partition_survives_the_snapshot()
    {
        var image = Reassign(OnOneAndTwo(), [2, 3]);

        var rebuilt = MetadataImage.Empty.Apply(MetadataCodec.Decode(MetadataCodec.Encode(image.ToRecords())), image.Offset);

        Assert.Equal(P(image), P(rebuilt));
    }
}
