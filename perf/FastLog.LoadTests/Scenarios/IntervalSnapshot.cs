namespace FastLog.LoadTests.Scenarios;

/// <summary>The meter's counters, the broker's and this process's CPU time at one Stopwatch timestamp.</summary>
internal readonly record struct IntervalSnapshot(long At, long ProducedRecords, long ProducedBytes, long ConsumedRecords, long ConsumedBytes, double? CpuSeconds, double LoadGeneratorCpuSeconds);
