namespace FastLog.Core.Tests;

public sealed class CrossShardTests
{
    [Fact]
    public async Task SubmitTo_ReturnsResultAndResumesOnCallingShard()
    {
        using var group = TestShards.Start();
        var (result, resumedOn) = await group.Run(0, async () =>
        {
            int r = await Shard.Current!.SubmitTo(1, 20, static x => ValueTask.FromResult(x + Shard.Current!.Id * 100));
            return (r, Shard.Current);
        });

        Assert.Equal(120, result); // ran on shard 1
        Assert.Same(group[0], resumedOn);
    }

    [Fact]
    public async Task SubmitTo_Self_RunsLocally()
    {
        using var group = TestShards.Start();
        int ranOn = await group.Run(1, () => Shard.Current!.SubmitTo(1, 0, static _ => ValueTask.FromResult(Shard.Current!.Id)));
        Assert.Equal(1, ranOn);
    }

    [Fact]
    public async Task SubmitTo_AsynchronousWork_CompletesThroughTargetTimer()
    {
        using var group = TestShards.Start();
        string result = await group.Run(0, () => Shard.Current!.SubmitTo(1, "x", static async s =>
        {
            await Shard.Current!.Delay(TimeSpan.FromMilliseconds(2));
            await Task.Yield();
            return s + Shard.Current!.Id;
        }));

        Assert.Equal("x1", result);
    }

    [Fact]
    public async Task SubmitTo_ExceptionOnTarget_SurfacesAtCaller()
    {
        using var group = TestShards.Start();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => group.Run(0, async () =>
            await Shard.Current!.SubmitTo<int, int>(1, 5, static _ => throw new ArgumentException("from target"))));
        Assert.Equal("from target", error.Message);
    }

    /// <summary>
    /// Both shards fire thousands of calls at each other at once through 8-slot rings, so rings fill
    /// and back-pressure (the overflow queue) is exercised in both directions. Every call must come
    /// back with its own result, and per pair the target must run them, and the caller see them
    /// complete, in submission order.
    /// </summary>
    [Fact]
    public async Task ConcurrentLoadBothDirections_ResultsComeBackInOrderPerPair()
    {
        const int Calls = 20_000;
        using var group = TestShards.Start(ringCapacity: 8);
        var executedOn = new List<int>[] { [], [] }; // [target] sequence numbers in execution order

        Task<(List<int> Completed, int Wrong)> Fire(int from) => group.Run(from, async () =>
        {
            int to = 1 - from;
            var completed = new List<int>(Calls);
            var pending = new List<Task>(Calls);
            int wrong = 0;
            for (int seq = 0; seq < Calls; seq++)
            {
                pending.Add(Call(seq));
            }

            await Task.WhenAll(pending);
            return (completed, wrong);

            async Task Call(int seq)
            {
                long r = await Shard.Current!.SubmitTo(to, (seq, executedOn[to]), static s =>
                {
                    s.Item2.Add(s.seq); // runs on the target: only its thread touches its list
                    return ValueTask.FromResult((long)s.seq * 3 + Shard.Current!.Id);
                });
                completed.Add(seq);
                wrong += r == (long)seq * 3 + to ? 0 : 1;
            }
        });

        var results = await Task.WhenAll(Fire(0), Fire(1));
        for (int from = 0; from < 2; from++)
        {
            Assert.Equal(0, results[from].Wrong);
            Assert.Equal(Enumerable.Range(0, Calls), results[from].Completed);
            Assert.Equal(Enumerable.Range(0, Calls), executedOn[1 - from]);
        }
    }

    /// <summary>The steady path pools its messages: after warm-up a long run allocates (next to) nothing on either shard.</summary>
    [Fact]
    public async Task SteadyState_DoesNotAllocatePerMessage()
    {
        const int Calls = 20_000;
        using var group = TestShards.Start();

        static ValueTask<long> AllocatedOnShard() => ValueTask.FromResult(GC.GetAllocatedBytesForCurrentThread());

        var (caller, target) = await group.Run(0, async () =>
        {
            var shard = Shard.Current!;
            await Loop(shard, Calls); // warm-up: pools fill, methods get jitted
            long targetBefore = await shard.SubmitTo(1, 0, static _ => AllocatedOnShard());
            long callerBefore = GC.GetAllocatedBytesForCurrentThread();
            await Loop(shard, Calls);
            long callerAfter = GC.GetAllocatedBytesForCurrentThread();
            long targetAfter = await shard.SubmitTo(1, 0, static _ => AllocatedOnShard());
            return (callerAfter - callerBefore, targetAfter - targetBefore);
        });

        Assert.True(caller < Calls, $"caller shard allocated {caller} bytes for {Calls} calls");
        Assert.True(target < Calls, $"target shard allocated {target} bytes for {Calls} calls");

        // No Assert inside the measured loop: xunit's Assert.Equal allocates.
        static async ValueTask Loop(Shard shard, int calls)
        {
            int wrong = 0;
            for (int i = 0; i < calls; i++)
            {
                wrong += await shard.SubmitTo(1, i, static x => ValueTask.FromResult(x + 1)) == i + 1 ? 0 : 1;
            }

            if (wrong != 0)
            {
                throw new InvalidOperationException($"{wrong} wrong results");
            }
        }
    }
}
