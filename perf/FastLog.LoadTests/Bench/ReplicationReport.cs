namespace FastLog.LoadTests.Bench;

/// <summary>Everything one `bench --replication` measured; rendered as report.md and results.json.</summary>
internal sealed record ReplicationReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required bool Quick { get; init; }

    public required string Machine { get; init; }

    /// <summary>The records/s every setup's latency run is offered: <see cref="ReplicationRunner.LatencyLoadPercent"/> % of the baseline's acks=all maximum.</summary>
    public required double LatencyRate { get; init; }

    /// <summary>In <see cref="ReplicationSetup.All"/>'s order: the first is the baseline.</summary>
    public required IReadOnlyList<ReplicationRun> Runs { get; init; }

    /// <summary><paramref name="run"/>'s figures as ratios to the baseline's (the single node of the same run).</summary>
    public ReplicationFigures Ratios(ReplicationRun run) => run.Figures.RatiosTo(Runs[0].Figures);
}
