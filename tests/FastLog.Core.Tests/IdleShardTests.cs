using System.Diagnostics;

namespace FastLog.Core.Tests;

/// <summary>
/// Correctness check of the idle path, not a performance figure: an idle shard must sleep in the
/// kernel rather than spin. A spinning shard would burn ~100% of the wall time; the bound is
/// deliberately loose so scheduler noise cannot fail it.
/// </summary>
public sealed class IdleShardTests
{
    [Fact]
    public async Task IdleShards_SleepInsteadOfSpinning_AndStillWakeForWork()
    {
        using var group = TestShards.Start();
        await group.Run(0, () => ValueTask.FromResult(0)); // both started and settled
        long[] before = [CpuNanoseconds(group[0]), CpuNanoseconds(group[1])];
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1));
        long[] after = [CpuNanoseconds(group[0]), CpuNanoseconds(group[1])];
        double wallNs = wall.Elapsed.TotalNanoseconds;

        for (int i = 0; i < 2; i++)
        {
            double share = (after[i] - before[i]) / wallNs;
            Assert.True(share < 0.2, $"idle shard {i} was on CPU {share:P1} of the time");
        }

        // Sleeping shards still wake promptly for cross-shard work and timers.
        Assert.Equal(7, await group.Run(1, async () =>
        {
            await Shard.Current!.Delay(TimeSpan.FromMilliseconds(1));
            return await Shard.Current!.SubmitTo(0, 6, static x => ValueTask.FromResult(x + 1));
        }));
    }

    /// <summary>Time the thread has spent on a CPU: first field of /proc/self/task/TID/schedstat, in ns.</summary>
    private static long CpuNanoseconds(Shard shard) =>
        long.Parse(File.ReadAllText($"/proc/self/task/{shard.NativeThreadId}/schedstat").Split(' ')[0]);
}
