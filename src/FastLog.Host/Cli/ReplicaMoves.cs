namespace FastLog.Host.Cli;

/// <summary>
/// Plans the reassignments behind `fastlog cluster remove` and `fastlog cluster add`: which
/// partitions get which new replica lists, so that a broker leaving ends up holding nothing and a
/// broker joining takes its share. Pure (no I/O): the commands read the assignments from Metadata
/// and send the plan as AlterPartitionReassignments, which copies before it drops.
/// </summary>
public static class ReplicaMoves
{
    /// <summary>A partition's replicas (preferred leader first), by topic and partition.</summary>
    public sealed record Assignment(string Topic, int Partition, IReadOnlyList<int> Replicas);

    /// <summary>The plan: new replica lists for the partitions that move, and the partitions that cannot move (no broker left to take them).</summary>
    public sealed record Plan(IReadOnlyList<Assignment> Moves, IReadOnlyList<Assignment> Stuck);

    /// <summary>
    /// Every replica on <paramref name="leaving"/> goes to the live broker (of <paramref name="brokers"/>,
    /// not already a replica of that partition) holding the fewest replicas so far, in the leaving
    /// broker's place in the list (so a preferred leader is replaced by the preferred leader to be).
    /// A partition already on every other broker cannot move: it is reported stuck (lower its
    /// replication factor first).
    /// </summary>
    public static Plan Remove(IReadOnlyList<Assignment> assignments, int leaving, IReadOnlyCollection<int> brokers)
    {
        var load = Load(assignments, brokers.Where(b => b != leaving));
        var moves = new List<Assignment>();
        var stuck = new List<Assignment>();
        foreach (var assignment in assignments.Where(a => a.Replicas.Contains(leaving)))
        {
            var target = load.Where(l => !assignment.Replicas.Contains(l.Key)).OrderBy(l => l.Value).ThenBy(l => l.Key).Select(l => (int?)l.Key).FirstOrDefault();
            if (target is not { } broker)
            {
                stuck.Add(assignment);
                continue;
            }

            load[broker]++;
            moves.Add(assignment with { Replicas = assignment.Replicas.Select(r => r == leaving ? broker : r).ToList() });
        }

        return new Plan(moves, stuck);
    }

    /// <summary>
    /// Moves replicas to <paramref name="joining"/> until it holds its share (the total over the
    /// live brokers, rounded down), each taken from the most loaded broker of a partition it is not
    /// yet a replica of, in that broker's place in the list. Preferred leaders move only where the
    /// taken replica was one, so leadership spreads as the replicas do.
    /// </summary>
    public static Plan Add(IReadOnlyList<Assignment> assignments, int joining, IReadOnlyCollection<int> brokers)
    {
        var load = Load(assignments, brokers.Append(joining).Distinct());
        var share = load.Values.Sum() / load.Count;
        var current = assignments.ToDictionary(a => (a.Topic, a.Partition), a => a.Replicas.ToList());
        var moved = new HashSet<(string, int)>();
        while (load[joining] < share)
        {
            // The most loaded broker, then a partition of it that the joining broker does not hold and that has not moved yet.
            var candidate = load.Where(l => l.Key != joining && l.Value > share).OrderByDescending(l => l.Value).ThenBy(l => l.Key)
                .SelectMany(l => current.Where(c => !moved.Contains(c.Key) && c.Value.Contains(l.Key) && !c.Value.Contains(joining)).Select(c => (From: l.Key, c.Key)))
                .Select(c => ((int, (string, int))?)c)
                .FirstOrDefault();
            if (candidate is null)
            {
                break;
            }

            var (from, key) = candidate.Value;
            var replicas = current[key];
            replicas[replicas.IndexOf(from)] = joining;
            moved.Add(key);
            load[from]--;
            load[joining]++;
        }

        return new Plan(assignments.Where(a => moved.Contains((a.Topic, a.Partition))).Select(a => a with { Replicas = current[(a.Topic, a.Partition)] }).ToList(), []);
    }

    /// <summary>Replicas per broker, over <paramref name="brokers"/> (those holding none count 0).</summary>
    private static Dictionary<int, int> Load(IReadOnlyList<Assignment> assignments, IEnumerable<int> brokers)
    {
        var load = brokers.ToDictionary(b => b, _ => 0);
        foreach (var replica in assignments.SelectMany(a => a.Replicas).Where(load.ContainsKey))
        {
            load[replica]++;
        }

        return load;
    }
}
