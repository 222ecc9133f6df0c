using System.Diagnostics;

namespace FastLog.Core.Tests;

public sealed class ShardLoopStatsTests
{
    [Fact]
    public async Task IdleShard_AccruesIdleTime_NotBusyTime()
    {
        using var group = TestShards.Start(shardCount: 1);
        await group.Run(0, () => ValueTask.FromResult(0)); // started and settled
        var before = group[0].LoopStats; // read off the shard: the counters are for any thread
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await group.Run(0, () => ValueTask.FromResult(0)); // wakes the shard, which closes its idle interval

        // The woken turn is counted when it ends, which may be just after the work above returned
        // (a clean CI run read the stats in between): wait for it rather than race it.
        var after = group[0].LoopStats;
        var deadline = Stopwatch.StartNew();
        while (after.Turns <= before.Turns && deadline.Elapsed < TestShards.Timeout)
        {
            Thread.Sleep(1);
            after = group[0].LoopStats;
        }

        // Loose on purpose (a correctness check, not a figure): a loop that counted its sleep as
        // work would report roughly the whole 300 ms as busy.
        Assert.True((after.Busy - before.Busy) * 4 < wall.Elapsed, $"busy {after.Busy - before.Busy} of {wall.Elapsed}");
        Assert.True(after.Idle > before.Idle);
        Assert.True(after.Turns > before.Turns);
    }

    [Fact]
    public async Task BusyShard_CountsTheTimeItsWorkRan()
    {
        using var group = TestShards.Start(shardCount: 1);
        var (before, worked) = await group.Run(0, () =>
        {
            var stats = Shard.Current!.LoopStats;
            var spent = Stopwatch.StartNew();
            while (spent.ElapsedMilliseconds < 50)
            {
                Thread.SpinWait(100); // stands for 50 ms of CPU-bound work inside one turn
            }

            return ValueTask.FromResult((stats, spent.Elapsed));
        });

        // Read in a later turn, so the working turn has been accounted.
        var after = await group.Run(0, () => ValueTask.FromResult(Shard.Current!.LoopStats));
        Assert.True(after.Busy - before.Busy >= worked, $"busy grew {after.Busy - before.Busy}, work ran {worked}");
        Assert.True(after.Turns > before.Turns);
    }
}
