using System.Diagnostics;

namespace FastLog.Core.Tests;

public sealed class ShardTimerTests
{
    private static readonly int[] DueMilliseconds = [30, 10, 20];

    [Fact]
    public async Task Timers_FireInDueOrder_NotBeforeDue_AndOnTheShard()
    {
        using var group = TestShards.Start();
        var (fired, expected, elapsedMs, onShard) = await group.Run(0, async () =>
        {
            var shard = Shard.Current!;
            var fired = new List<int>();
            var dueAt = new List<(TimeSpan Due, int Ms)>();
            bool allOnShard = true;
            var sw = Stopwatch.StartNew();
            foreach (int ms in DueMilliseconds)
            {
                // Due time as the shard sees it: scheduling itself takes time, so compute it here.
                dueAt.Add((sw.Elapsed + TimeSpan.FromMilliseconds(ms), ms));
                shard.ScheduleTimer(TimeSpan.FromMilliseconds(ms), s =>
                {
                    allOnShard &= Shard.Current == shard;
                    fired.Add((int)s!);
                }, ms);
            }

            await shard.Delay(TimeSpan.FromMilliseconds(60));
            return (fired, dueAt.OrderBy(d => d.Due).Select(d => d.Ms).ToList(), sw.ElapsedMilliseconds, allOnShard);
        });

        Assert.Equal(expected, fired);
        Assert.Equal(3, fired.Count);
        Assert.True(elapsedMs >= 60, $"Delay(60 ms) completed after {elapsedMs} ms");
        Assert.True(onShard);
    }

    [Fact]
    public async Task CancelledTimer_NeverFires_AndCancelReportsWhetherItWon()
    {
        using var group = TestShards.Start();
        var (cancelled, cancelAgain, cancelAfterFire, ran) = await group.Run(1, async () =>
        {
            var shard = Shard.Current!;
            var ran = new List<string>();
            var doomed = shard.ScheduleTimer(TimeSpan.FromMilliseconds(10), _ => ran.Add("doomed"), null);
            var kept = shard.ScheduleTimer(TimeSpan.FromMilliseconds(5), _ => ran.Add("kept"), null);
            bool cancelled = doomed.Cancel();
            bool cancelAgain = doomed.Cancel();
            await shard.Delay(TimeSpan.FromMilliseconds(40));
            // The doomed entry has been recycled by now; its old handle must not touch a reuse.
            var reuse = shard.ScheduleTimer(TimeSpan.FromMilliseconds(1), _ => ran.Add("reuse"), null);
            bool staleCancel = doomed.Cancel();
            await shard.Delay(TimeSpan.FromMilliseconds(20));
            return (cancelled, cancelAgain || staleCancel, kept.Cancel() || reuse.Cancel(), ran);
        });

        Assert.True(cancelled);
        Assert.False(cancelAgain);
        Assert.False(cancelAfterFire);
        Assert.Equal(["kept", "reuse"], ran);
    }

    [Fact]
    public void DefaultHandle_CancelIsFalse()
    {
        Assert.False(default(ShardTimer).Cancel());
    }
}
