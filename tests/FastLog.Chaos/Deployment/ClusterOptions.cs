using FastLog.Chaos.Faults;
using FastLog.Testing;

namespace FastLog.Chaos.Deployment;

/// <summary>How <see cref="ClusterDeployment"/> runs its brokers.</summary>
internal sealed record ClusterOptions
{
    public int Brokers { get; init; } = 3;

    /// <summary>The fastlog.dll (or published fastlog) to run.</summary>
    public string BrokerPath { get; init; } = FastlogExecutable.DefaultPath;

    /// <summary>The brokers' --ack-durability: "written" (its default) or "durable".</summary>
    public string AckDurability { get; init; } = "written";

    /// <summary>The faults asked for; null: every one the cluster supports here.</summary>
    public IReadOnlyList<FaultKind>? Faults { get; init; }

    /// <summary>Each broker's data disk with the disk-full fault (a loop-mounted ext4): room for a soak's log at 1 MiB segments.</summary>
    public int DiskMegabytes { get; init; } = 1024;

    /// <summary>Where the brokers' data (deleted at the end) and logs (kept: broker-{id}.log) go.</summary>
    public required string Directory { get; init; }
}
