namespace FastLog.Core.Tests;

/// <summary>Starts shard groups for tests and runs code on them with a hang guard.</summary>
internal static class TestShards
{
    /// <summary>Generous: only a bug (a lost wake-up, a dropped message) gets anywhere near it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static ShardGroup Start(int shardCount = 2, int ringCapacity = 1024, Action<Shard, Exception>? unhandled = null)
    {
        var group = new ShardGroup(new ShardGroupOptions
        {
            ShardCount = shardCount,
            RingCapacity = ringCapacity,
            PreallocatedBuffers = 2,
            UnhandledException = unhandled,
        });
        group.Start();
        return group;
    }

    public static Task<T> Run<T>(this ShardGroup group, int shard, Func<ValueTask<T>> work) =>
        group.RunAsync(shard, work).WaitAsync(Timeout);

    public static Task Run(this ShardGroup group, int shard, Func<ValueTask> work) =>
        group.RunAsync(shard, work).WaitAsync(Timeout);
}
