namespace FastLog.Storage.Tests;

/// <summary>
/// Filesystems that refuse O_DIRECT get buffered writes with the same layout; the choice is
/// made at open and logged. No filesystem here refuses it (tmpfs accepts O_DIRECT since Linux
/// 6.6), so the refusal is injected at open (as EINVAL would answer), and the buffered path
/// itself runs for real when forced by option.
/// </summary>
public sealed class BufferedFallbackTests
{
    private static async Task AppendReadRestart(ShardHarness shard, StorageOptions options, bool refuseDirect, bool expectDirect)
    {
        var (log, _) = await shard.OpenFaulty(options, refuseDirect);
        Assert.Equal(expectDirect, log.IsDirectIo);
        var expected = new List<byte>();
        long offset = 0;
        await shard.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var result = await log.AppendAsync(TestStream.Batch(i));
                Assert.Equal(offset, result.BaseOffset);
                expected.AddRange(TestStream.Stored(i, offset));
                offset = result.LastOffset + 1;
            }
        });
        await shard.Close(log);

        var (reopened, _) = await shard.OpenFaulty(options, refuseDirect);
        Assert.Equal(expectDirect, reopened.IsDirectIo);
        var stored = await shard.ReadFrom(reopened, 0);
        await shard.Close(reopened);

        Assert.Equal(expected.ToArray(), stored);
    }

    [Fact]
    public async Task FilesystemRefusingODirect_FallsBackToBufferedWrites_AndItIsLogged()
    {
        using var shard = new ShardHarness();

        await AppendReadRestart(shard, new StorageOptions { TailCacheBytes = 0 }, refuseDirect: true, expectDirect: false);

        Assert.Contains(shard.Messages, m => m.Contains("refuses O_DIRECT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForcedBufferedIo_OnAFilesystemThatSupportsODirect()
    {
        using var shard = new ShardHarness();

        await AppendReadRestart(shard, new StorageOptions { ForceBufferedIo = true, TailCacheBytes = 0 }, refuseDirect: false, expectDirect: false);

        Assert.Contains(shard.Messages, m => m.Contains("forced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DirectIo_IsUsedWhereTheFilesystemAcceptsIt()
    {
        using var shard = new ShardHarness();

        await AppendReadRestart(shard, new StorageOptions { TailCacheBytes = 0 }, refuseDirect: false, expectDirect: true);

        Assert.DoesNotContain(shard.Messages, m => m.Contains("buffered writes", StringComparison.Ordinal) && !m.Contains("opened", StringComparison.Ordinal));
    }
}
