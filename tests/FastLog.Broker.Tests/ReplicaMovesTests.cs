using static FastLog.Host.Cli.ReplicaMoves;

namespace FastLog.Broker.Tests;

/// <summary>The plans of `fastlog cluster add|remove`: a leaving broker ends with nothing, a joining one with its share, and no partition ever lists a broker twice.</summary>
public sealed class ReplicaMovesTests
{
    // Six partitions, replication factor 2, over brokers 1-3 (4 replicas each).
    private static readonly List<Assignment> Assignments =
    [
        new("t", 0, [1, 2]), new("t", 1, [2, 3]), new("t", 2, [3, 1]),
        new("t", 3, [1, 3]), new("t", 4, [2, 1]), new("t", 5, [3, 2]),
    ];

    [Fact]
    public void Remove_MovesEveryReplicaOffTheBroker_InItsPlace_SpreadOverTheOthers()
    {
        var plan = Remove(Assignments, 3, [1, 2, 3, 4]);

        Assert.Empty(plan.Stuck);
        Assert.Equal(["t-1", "t-2", "t-3", "t-5"], plan.Moves.Select(m => $"{m.Topic}-{m.Partition}"));
        var after = Apply(plan);
        Assert.DoesNotContain(after, a => a.Replicas.Contains(3));
        Assert.All(after, a => Assert.Equal(a.Replicas.Count, a.Replicas.Distinct().Count()));
        // Broker 4 held nothing: it takes the most (the least loaded goes first), and 3's place in each list.
        Assert.Equal(4, after.Sum(a => a.Replicas.Count(r => r == 4)));
        Assert.Equal([2, 4], plan.Moves.Single(m => m.Partition == 1).Replicas);
        Assert.Equal([4, 1], plan.Moves.Single(m => m.Partition == 2).Replicas);
    }

    [Fact]
    public void Remove_ReportsAPartitionThatNoOtherBrokerCanTake()
    {
        var plan = Remove([new("full", 0, [1, 2, 3]), new("t", 0, [3, 1])], 3, [1, 2, 3]);

        Assert.Equal(["full"], plan.Stuck.Select(s => s.Topic));
        Assert.Equal([2, 1], Assert.Single(plan.Moves).Replicas);
    }

    [Fact]
    public void Add_GivesTheJoiningBrokerItsShare_TakenFromTheMostLoaded()
    {
        var uneven = new List<Assignment>(Assignments) { new("u", 0, [1, 2]), new("u", 1, [1, 2]) };
        var plan = Add(uneven, 4, [1, 2, 3]);

        var after = Apply(plan, uneven);
        var load = after.SelectMany(a => a.Replicas).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(16 / 4, load[4]);
        Assert.All(load.Values, count => Assert.InRange(count, 3, 5));
        Assert.All(after, a => Assert.Equal(a.Replicas.Count, a.Replicas.Distinct().Count()));
        Assert.Empty(plan.Stuck);
    }

    [Fact]
    public void Add_OfABrokerAlreadyHoldingItsShare_MovesNothing() =>
        Assert.Empty(Add(Assignments, 3, [1, 2, 3]).Moves);

    private static List<Assignment> Apply(Plan plan, List<Assignment>? assignments = null) =>
        (assignments ?? Assignments).Select(a => plan.Moves.SingleOrDefault(m => m.Topic == a.Topic && m.Partition == a.Partition) ?? a).ToList();
}
