using System.Globalization;
using System.Runtime.InteropServices;
using FastLog.Chaos;
using FastLog.Chaos.Checking;
using FastLog.Chaos.Deployment;
using FastLog.Chaos.Faults;
using FastLog.Chaos.Report;

// `scripts/chaos.sh`: exit 0 when the history holds no violation, 1 when it does, 2 when the run
// could not be done (bad options, a broker that would not start, a final read that did not finish).
ChaosOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(ChaosOptions.Usage);
        return 0;
    }

    options = ChaosOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"chaos: {e.Message}\n{ChaosOptions.Usage}");
    return 2;
}

var directory = Path.GetFullPath(options.Out ?? Path.Combine("artifacts", "chaos", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
Directory.CreateDirectory(directory);
await using ISystemUnderTest system = options.Bootstrap is { } bootstrap
    ? new ExternalDeployment(bootstrap)
    : options.Cluster is { } brokers
    ? new ClusterDeployment(new ClusterOptions { Brokers = brokers, BrokerPath = options.BrokerPath, AckDurability = options.AckDurability, Faults = options.Faults, Directory = directory })
    : new SingleNode(new SingleNodeOptions
    {
        BrokerPath = options.BrokerPath,
        AckDurability = options.AckDurability,
        Faults = options.Faults ?? [FaultKind.Kill, FaultKind.Pause, FaultKind.Disk],
        LogPath = Path.Combine(directory, "broker.log"),
    });
using var interrupted = new CancellationTokenSource();
// Ctrl-C and SIGTERM stop the run at its next wait, so that it cleans up (resume, kill the broker, unmount, delete) instead of dying.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

void Interrupt(PosixSignalContext signal)
{
    signal.Cancel = true;
    interrupted.Cancel();
}

Console.WriteLine($"chaos: seed {options.Seed}, report in {directory}");
RunReport report;
try
{
    await using var producerLog = TextWriter.Synchronized(new StreamWriter(Path.Combine(directory, "producers.log")) { AutoFlush = true });
    report = await ChaosRun.ExecuteAsync(options, system, Console.Out, interrupted.Token, producerLog);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"chaos: {e.Message}");
    return 2;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"chaos: the run could not be done (seed {options.Seed}; broker output in {directory}): {e}");
    return 2;
}

var path = ReportFiles.Write(report, directory);
Console.WriteLine($"{"check",-34} {"violations",10} {"by design",10}");
foreach (var kind in Enum.GetValues<ViolationKind>())
{
    Console.WriteLine($"{kind,-34} {report.Result.Count(kind, byDesign: false),10} {report.Result.Count(kind, byDesign: true),10}");
}

var timeline = Timeline.Of(report.History);
if (timeline.FailoverMs.Count > 0)
{
    Console.WriteLine(MarkdownReport.FailoverLine(timeline));
}

Console.WriteLine($"{report.History.Faults.Count} faults, {report.Result.WritesByOutcome[FastLog.Chaos.History.WriteOutcome.Ok]} writes acknowledged; {(report.Result.Valid ? "PASS" : "FAIL")}; report: {path}");
return report.Result.Valid ? 0 : 1;
