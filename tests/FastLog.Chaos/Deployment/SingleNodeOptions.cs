using FastLog.Chaos.Faults;
using FastLog.Testing;

namespace FastLog.Chaos.Deployment;

/// <summary>How <see cref="SingleNode"/> runs its broker.</summary>
internal sealed record SingleNodeOptions
{
    /// <summary>The fastlog.dll (or published fastlog) to run.</summary>
    public string BrokerPath { get; init; } = FastlogExecutable.DefaultPath;

    /// <summary>The broker's --ack-durability: "written" (its default) or "durable".</summary>
    public string AckDurability { get; init; } = "written";

    public IReadOnlyList<FaultKind> Faults { get; init; } = [FaultKind.Kill];

    /// <summary>The loop-mounted data disk's size when the disk-full fault is on.</summary>
    public int DiskMegabytes { get; init; } = 512;

    public string? LogPath { get; init; }
}
