using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Core;
using FastLog.Protocol;
using FastLog.Storage;

namespace FastLog.Broker.Tests;

/// <summary>
/// The produce checks of a partition on its owner shard, without the network: retries that find
/// their original still being written, and the durability a retry's answer waits for.
/// </summary>
public sealed class PartitionReplicaTests : IDisposable
{
    private const long ProducerId = 11;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fastlog-replica-{Guid.NewGuid():N}");
    private readonly ShardGroup _shards = new(new ShardGroupOptions { ShardCount = 1, PinThreads = false });

    public PartitionReplicaTests() => _shards.Start();

    private static byte[] Batch(int sequence) => RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray(), ProducerId, 0, sequence);

    [Fact]
    public Task RetriesOfABatchInFlight_WaitForIt_AndGetItsOffsets_NothingIsAppendedTwice() => OnReplicaAsync(new StorageOptions(), async replica =>
    {
        Assert.Equal(0, (await replica.AppendAsync(Batch(0), -1, Timeout)).BaseOffset);

        // Both retries are checked in this turn, while the original is only queued for the writer.
        var original = replica.AppendAsync(Batch(1), -1, Timeout).AsTask();
        var retries = new[] { replica.AppendAsync(Batch(1), -1, Timeout).AsTask(), replica.AppendAsync(Batch(1), 1, Timeout).AsTask() };

        var answer = await original;
        Assert.Equal((ErrorCode.None, 1L), (answer.Error, answer.BaseOffset));
        foreach (var retry in retries)
        {
            var outcome = await retry;
            Assert.Equal((ErrorCode.None, 1L, replica.Log.LogStartOffset), (outcome.Error, outcome.BaseOffset, outcome.LogStartOffset));
        }

        Assert.Equal(2, replica.Log.LogEndOffset);
        Assert.Equal(2, (await replica.AppendAsync(Batch(2), -1, Timeout)).BaseOffset);
    });

    [Fact]
    public Task RetryWithAcksAll_OfAnOriginalAcknowledgedWithAcks1_IsAnsweredOnlyOnceItIsDurable() =>
        OnReplicaAsync(new StorageOptions { Durability = DurabilityMode.Interval, FlushInterval = TimeSpan.FromHours(1) }, async replica =>
        {
            Assert.Equal(ErrorCode.None, (await replica.AppendAsync(Batch(0), 1, Timeout)).Error);
            Assert.Equal(0, replica.Log.DurableEndOffset);

            var retry = await replica.AppendAsync(Batch(0), -1, Timeout);

            Assert.Equal((ErrorCode.None, 0L), (retry.Error, retry.BaseOffset));
            Assert.Equal(1, replica.Log.DurableEndOffset);
            Assert.Equal(1, replica.Log.LogEndOffset);
        });

    /// <summary>Opens the partition on the shard, runs <paramref name="test"/> there and closes it.</summary>
    private Task OnReplicaAsync(StorageOptions options, Func<PartitionReplica, Task> test) => _shards.RunAsync(0, async () =>
    {
        var log = await PartitionLog.OpenAsync(_directory, options);
        try
        {
            await test(new PartitionReplica(new TopicPartition("replica", 0), log, new LogDirectory(Path.GetDirectoryName(_directory)!), AckDurability.Written));
        }
        finally
        {
            await log.CloseAsync();
        }
    });

    public void Dispose()
    {
        _shards.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
