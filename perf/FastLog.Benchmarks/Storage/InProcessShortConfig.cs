using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FastLog.Benchmarks.Storage;

/// <summary>
/// Few iterations, run in the benchmark process itself: each storage iteration writes hundreds of
/// MiB, so a handful is enough, and building a separate benchmark executable per job has timed out
/// on this busy 2-core machine.
/// </summary>
internal sealed class InProcessShortConfig : ManualConfig
{
    public InProcessShortConfig()
    {
        AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(8).WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P50, BenchmarkDotNet.Columns.StatisticColumn.P95);
    }
}
