using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Bench;

/// <summary>One setup's two runs: flat out (throughput), then paced at the rate every setup is offered (ack latency).</summary>
internal sealed record ReplicationRun(ReplicationSetup Setup, ScenarioResult Throughput, ScenarioResult Latency)
{
    public ReplicationFigures Figures => new(Throughput.ProduceMBps, Throughput.ProduceRecordsPerSecond, Latency.Ack.P50, Latency.Ack.P99);
}
