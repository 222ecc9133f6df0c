#pragma warning disable CA2012 // the pipelined benchmark holds a window of ValueTasks on purpose; each is awaited once

using BenchmarkDotNet.Attributes;
using FastLog.Core;

namespace FastLog.Benchmarks.Core;

/// <summary>
/// <see cref="Shard.SubmitTo"/> on a 2-shard group (pinned, one shard per core): shard 0 asks
/// shard 1 to run a trivial function and awaits the reply, which resumes on shard 0.
/// <see cref="RoundTrip"/> is the latency of one call at a time (request ring, target turn, reply
/// ring, caller turn); <see cref="Pipelined"/> keeps <see cref="Window"/> calls in flight, i.e. the
/// throughput when the batch drain can work. Each invocation runs <see cref="Calls"/> calls on
/// shard 0 (one off-shard hop per invocation, amortized).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class CrossShardBenchmarks : IDisposable
{
    private const int Calls = 20_480; // a multiple of Window
    private const int Window = 64;

    private ShardGroup? _group;

    [GlobalSetup]
    public void Setup()
    {
        _group = new ShardGroup(new ShardGroupOptions { ShardCount = 2 });
        _group.Start();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _group?.Dispose();
        _group = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public long RoundTrip() => _group!.RunAsync(0, static async () =>
    {
        var shard = Shard.Current!;
        long sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += await shard.SubmitTo(1, i, static x => ValueTask.FromResult((long)x + 1));
        }

        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Calls)]
    public long Pipelined() => _group!.RunAsync(0, static async () =>
    {
        var shard = Shard.Current!;
        var window = new ValueTask<long>[Window];
        long sum = 0;
        for (int i = 0; i < Calls; i += Window)
        {
            for (int j = 0; j < Window; j++)
            {
                window[j] = shard.SubmitTo(1, i + j, static x => ValueTask.FromResult((long)x + 1));
            }

            foreach (var call in window)
            {
                sum += await call;
            }
        }

        return sum;
    }).GetAwaiter().GetResult();
}
