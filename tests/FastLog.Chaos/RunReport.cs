using FastLog.Chaos.Checking;
using FastLog.Chaos.Faults;
using FastLog.Chaos.History;
using FastLog.Chaos.Workload;

namespace FastLog.Chaos;

/// <summary>A finished run: what was asked, what the system said of itself, what happened, and the verdict.</summary>
internal sealed record RunReport
{
    public required ChaosOptions Options { get; init; }

    public required string System { get; init; }

    public required WorkloadOptions Workload { get; init; }

    public required IReadOnlyList<FaultKind> FaultKinds { get; init; }

    /// <summary>log.flush.interval.ms as the broker describes it; null if it did not say.</summary>
    public required long? FlushIntervalMs { get; init; }

    /// <summary>fastlog.ack.durability as the broker describes it; null if it did not say.</summary>
    public required string? AckDurability { get; init; }

    public required CheckPolicy Policy { get; init; }

    public required RunHistory History { get; init; }

    public required CheckResult Result { get; init; }

    /// <summary>The batches holding copies of duplicated records (<see cref="StoredBatches"/>); empty without duplicates.</summary>
    public IReadOnlyList<string> DuplicateOrigins { get; init; } = [];

    public required DateTime StartedUtc { get; init; }

    public required TimeSpan Elapsed { get; init; }
}
