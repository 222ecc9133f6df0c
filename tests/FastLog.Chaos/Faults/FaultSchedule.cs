namespace FastLog.Chaos.Faults;

/// <summary>
/// The faults of a run, drawn from one seed before the run starts: the same seed, kinds, node
/// count and timing give the same schedule, so a failing run can be replayed (`--seed`).
/// </summary>
internal static class FaultSchedule
{
    /// <summary>
    /// <paramref name="cycles"/> faults, each of a kind drawn from <paramref name="kinds"/>; with
    /// <paramref name="counts"/> instead exactly that many of each kind (cycles is their sum), in a
    /// seeded order. A leader kill draws the partition whose leader it kills; the role kills, the
    /// split (its minority holds the controller) and the rolling restart name no node (-1): the node is the one holding the role when the fault comes.
    /// </summary>
    public static IReadOnlyList<ScheduledFault> Create(int seed, int cycles, IReadOnlyList<FaultKind> kinds, int nodeCount, FaultTiming timing, int partitions = 1, IReadOnlyDictionary<FaultKind, int>? counts = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycles);
        if (cycles > 0 && kinds.Count == 0)
        {
            throw new ArgumentException("no fault kinds to draw from", nameof(kinds));
        }

        var bag = counts?.SelectMany(c => Enumerable.Repeat(c.Key, c.Value)).Order().ToList();
        if (bag is not null && bag.Count != cycles)
        {
            throw new ArgumentException($"the counts per kind add up to {bag.Count}, not {cycles}", nameof(counts));
        }

        var random = new Random(seed);
        var faults = new List<ScheduledFault>(cycles);
        for (var i = 0; i < cycles; i++)
        {
            var kind = bag is null ? kinds[random.Next(kinds.Count)] : Take(bag, random);
            var load = TimeSpan.FromMilliseconds(random.Next(timing.LoadMinMs, timing.LoadMaxMs + 1));
            var hold = TimeSpan.FromMilliseconds(kind switch
            {
                FaultKind.Kill or FaultKind.LeaderKill or FaultKind.ControllerKill => random.Next(0, timing.KillDownMaxMs + 1),
                FaultKind.Pause => random.Next(timing.PauseMinMs, timing.PauseMaxMs + 1),
                FaultKind.Disk => random.Next(timing.DiskFullMinMs, timing.DiskFullMaxMs + 1),
                FaultKind.Isolate or FaultKind.Split or FaultKind.Bridge => random.Next(timing.IsolateMinMs, timing.IsolateMaxMs + 1),
                FaultKind.RollingRestart => 0,
                _ => throw new ArgumentOutOfRangeException(nameof(kinds), kind, null),
            });
            var (node, partition) = kind switch
            {
                FaultKind.LeaderKill => (-1, random.Next(partitions)),
                FaultKind.ControllerKill or FaultKind.Split or FaultKind.RollingRestart => (-1, 0),
                _ => (random.Next(nodeCount), 0),
            };
            faults.Add(new ScheduledFault(i, kind, node, load, hold, partition));
        }

        return faults;
    }

    private static FaultKind Take(List<FaultKind> bag, Random random)
    {
        var index = random.Next(bag.Count);
        var kind = bag[index];
        bag[index] = bag[^1];
        bag.RemoveAt(bag.Count - 1);
        return kind;
    }
}
