namespace FastLog.LoadTests.Bench;

/// <summary>One goal of issue 6 with what was measured against it.</summary>
internal sealed record BenchGoal(string Goal, string Measured, string Verdict);
