using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;
using static FastLog.Metadata.Tests.ControllerLogicTests;

namespace FastLog.Metadata.Tests;

/// <summary>ControllerLogic.ElectLeaders for Kafka's ElectLeaders API (KIP-460): preferred and unclean elections.</summary>
public sealed class LeaderElectionTests
{
    private static readonly Guid TopicId = Guid.NewGuid();

    /// <summary>Brokers 1–3 live; topic "t" with partition 0 on [1, 2, 3] as <paramref name="isr"/> and <paramref name="leader"/> say, partition 1 on [2, 3] led by 2.</summary>
    private static MetadataImage Image(int[] isr, int leader) =>
        Cluster(Alive(1), Alive(2), Alive(3)).Apply(
        [
            new TopicRecord("t", TopicId, NoConfigs),
            new PartitionRecord(TopicId, 0, [1, 2, 3], [.. isr], leader, 3, 7),
            new PartitionRecord(TopicId, 1, [2, 3], [2, 3], 2, 0, 0),
        ], 2);

    private static (LeaderElections Elections, MetadataImage After) Elect(MetadataImage image, ElectionType type, params (string, int)[]? partitions)
    {
        var elections = ControllerLogic.ElectLeaders(image, type, partitions);
        return (elections, image.Apply(elections.Records, image.Offset + 1));
    }

    private static ControllerError? Outcome(MetadataImage image, ElectionType type, string topic = "t", int partition = 0) =>
        Elect(image, type, (topic, partition)).Elections.Outcomes.Single().Error;

    [Fact]
    public void Preferred_election_hands_leadership_to_the_first_replica()
    {
        var (elections, after) = Elect(Image(isr: [1, 2, 3], leader: 2), ElectionType.Preferred, ("t", 0));

        Assert.Equal(new ElectionOutcome("t", 0, null, null), elections.Outcomes.Single());
        var partition = after.TopicsByName["t"].Partitions[0];
        Assert.Equal(1, partition.Leader);
        Assert.Equal(4, partition.LeaderEpoch);
        Assert.Equal(8, partition.PartitionEpoch);
        Assert.Equal([1, 2, 3], partition.Isr.ToArray());
    }

    [Fact]
    public void Preferred_election_is_refused_when_not_needed_or_not_possible()
    {
        Assert.Equal(ControllerError.ElectionNotNeeded, Outcome(Image(isr: [1, 2, 3], leader: 1), ElectionType.Preferred));
        Assert.Equal(ControllerError.PreferredLeaderNotAvailable, Outcome(Image(isr: [2, 3], leader: 2), ElectionType.Preferred));
        var fenced = Image(isr: [1, 2, 3], leader: 2).Apply([new BrokerFencingRecord(1, Fenced: true)], 3);
        Assert.Equal(ControllerError.PreferredLeaderNotAvailable, Outcome(fenced, ElectionType.Preferred));
        Assert.Equal(ControllerError.UnknownTopic, Outcome(fenced, ElectionType.Preferred, "nope"));
        Assert.Equal(ControllerError.UnknownTopic, Outcome(fenced, ElectionType.Preferred, "t", 2));
        Assert.Empty(Elect(fenced, ElectionType.Preferred, ("t", 0)).Elections.Records);
    }

    [Fact]
    public void Every_partition_is_asked_with_no_list_and_only_the_ones_not_already_led_so_are_reported()
    {
        var (elections, after) = Elect(Image(isr: [1, 2, 3], leader: 2), ElectionType.Preferred, null);

        Assert.Equal([new ElectionOutcome("t", 0, null, null)], elections.Outcomes);
        Assert.Equal(1, after.TopicsByName["t"].Partitions[0].Leader);
        Assert.Equal(2, after.TopicsByName["t"].Partitions[1].Leader);
    }

    [Fact]
    public void Unclean_election_gives_an_offline_partition_its_first_live_replica()
    {
        // The only ISR member, 1, is fenced: the partition is offline (and the topic does not allow unclean elections).
        var offline = Image(isr: [1], leader: 1);
        offline = offline.Apply(ControllerLogic.ReconcileMembership(offline, [Dead(1)], _ => false), 3);
        Assert.Equal(PartitionRecord.NoLeader, offline.TopicsByName["t"].Partitions[0].Leader);

        var (elections, after) = Elect(offline, ElectionType.Unclean, ("t", 0));

        Assert.Null(elections.Outcomes.Single().Error);
        var partition = after.TopicsByName["t"].Partitions[0];
        Assert.Equal(2, partition.Leader);
        Assert.Equal([2], partition.Isr.ToArray());
        Assert.Equal(offline.TopicsByName["t"].Partitions[0].LeaderEpoch + 1, partition.LeaderEpoch);
    }

    [Fact]
    public void Unclean_election_is_refused_when_not_needed_or_no_replica_is_live()
    {
        Assert.Equal(ControllerError.ElectionNotNeeded, Outcome(Image(isr: [1, 2], leader: 2), ElectionType.Unclean));
        var image = Image(isr: [1], leader: 1);
        var dead = image.Apply(ControllerLogic.ReconcileMembership(image, [Dead(1), Dead(2), Dead(3)], _ => false), 3);
        Assert.Equal(ControllerError.EligibleLeadersNotAvailable, Outcome(dead, ElectionType.Unclean));
    }
}
