using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// One setup's two runs: flat out (throughput), then paced at the rate every setup is offered (ack
/// latency); with the machine's 1-minute load average when the setup started (other tenants' load
/// shows there: figures taken under very different loads compare badly).
/// </summary>
internal sealed record ReplicationRun(ReplicationSetup Setup, double LoadAverage, ScenarioResult Throughput, ScenarioResult Latency)
{
    public ReplicationFigures Figures => new(Throughput.ProduceMBps, Throughput.ProduceRecordsPerSecond, Throughput.BrokerCpuSecondsPerGB ?? double.NaN, Latency.Ack.P50, Latency.Ack.P99);
}
