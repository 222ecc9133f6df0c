using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Bench;

/// <summary>A tail-latency run at <see cref="Percent"/> % of the measured maximum acks=1 rate.</summary>
internal sealed record LatencyRun(int Percent, ScenarioResult Result);
