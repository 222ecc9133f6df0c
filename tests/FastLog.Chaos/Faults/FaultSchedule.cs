namespace FastLog.Chaos.Faults;

/// <summary>
/// The faults of a run, drawn from one seed before the run starts: the same seed, kinds, node
/// count and timing give the same schedule, so a failing run can be replayed (`--seed`).
/// </summary>
internal static class FaultSchedule
{
    public static IReadOnlyList<ScheduledFault> Create(int seed, int cycles, IReadOnlyList<FaultKind> kinds, int nodeCount, FaultTiming timing)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycles);
        if (cycles > 0 && kinds.Count == 0)
        {
            throw new ArgumentException("no fault kinds to draw from", nameof(kinds));
        }

        var random = new Random(seed);
        var faults = new List<ScheduledFault>(cycles);
        for (var i = 0; i < cycles; i++)
        {
            var kind = kinds[random.Next(kinds.Count)];
            var load = TimeSpan.FromMilliseconds(random.Next(timing.LoadMinMs, timing.LoadMaxMs + 1));
            var hold = TimeSpan.FromMilliseconds(kind switch
            {
                FaultKind.Kill => random.Next(0, timing.KillDownMaxMs + 1),
                FaultKind.Pause => random.Next(timing.PauseMinMs, timing.PauseMaxMs + 1),
                FaultKind.Disk => random.Next(timing.DiskFullMinMs, timing.DiskFullMaxMs + 1),
                _ => throw new ArgumentOutOfRangeException(nameof(kinds), kind, null),
            });
            faults.Add(new ScheduledFault(i, kind, random.Next(nodeCount), load, hold));
        }

        return faults;
    }
}
