using FastLog.Chaos.Faults;

namespace FastLog.Chaos.Deployment;

/// <summary>
/// A deployment the user runs (`--bootstrap`): the harness only drives the workload and checks the
/// history; it has no hold on the processes, so it injects no faults (the user may inject their own
/// meanwhile: the checker judges whatever happened).
/// </summary>
internal sealed class ExternalDeployment(string bootstrapServers) : ISystemUnderTest
{
    public string Description => $"an external deployment at {BootstrapServers} (no faults injected by the harness)";

    public string BootstrapServers { get; } = bootstrapServers;

    public int NodeCount => 0;

    public IReadOnlySet<FaultKind> SupportedFaults { get; } = new HashSet<FaultKind>();

    public Task StartAsync(CancellationToken cancel) => Task.CompletedTask;

    public void Kill(int node) => throw Unsupported();

    public Task RestartAsync(int node, CancellationToken cancel) => throw Unsupported();

    public void Pause(int node) => throw Unsupported();

    public void Resume(int node) => throw Unsupported();

    public void FillDisk(int node) => throw Unsupported();

    public void FreeDisk(int node) => throw Unsupported();

    public Task HealAsync(CancellationToken cancel) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NotSupportedException Unsupported() => new("the harness injects no faults into an external deployment");
}
