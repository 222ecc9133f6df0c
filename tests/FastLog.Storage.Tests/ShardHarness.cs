using FastLog.Core;
using FastLog.Records;
using FastLog.Storage.IO;

namespace FastLog.Storage.Tests;

/// <summary>
/// A started one-shard <see cref="ShardGroup"/> and a temporary partition directory, both
/// removed on dispose. Work that touches a partition log runs on the shard via <see cref="Run{T}"/>.
/// </summary>
internal sealed class ShardHarness : IDisposable
{
    private readonly ShardGroup _group;

    public ShardHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), $"fastlog-storage-{Guid.NewGuid():N}");
        Directory = Path.Combine(Root, "topic-0");
        _group = new ShardGroup(new ShardGroupOptions { ShardCount = 1, PinThreads = false });
        _group.Start();
    }

    /// <summary>
    /// For tests that abandon a log without CloseAsync (as if the process died) and open its
    /// directory again: only opens, rolls, retention and closes checkpoint, and the abandoned
    /// instance's housekeeping never runs while the next one is open. Nothing expires by age.
    /// </summary>
    public static StorageOptions AbandonableOptions { get; } = new()
    {
        CheckpointInterval = TimeSpan.FromHours(1),
        RetentionCheckInterval = TimeSpan.FromHours(1),
        RetentionAge = null,
    };

    public string Root { get; }

    /// <summary>The partition directory (created by the first open).</summary>
    public string Directory { get; }

    public List<string> Messages { get; } = [];

    public Task<T> Run<T>(Func<ValueTask<T>> work) => _group.RunAsync(0, work);

    public Task Run(Func<ValueTask> work) => _group.RunAsync(0, work);

    public Task<PartitionLog> Open(StorageOptions? options = null) =>
        Run(() => PartitionLog.OpenAsync(Directory, WithLog(options ?? new StorageOptions())));

    /// <summary>Opens the partition over <see cref="FaultyStorageIo"/> (no faults until the test switches them on).</summary>
    public async Task<(PartitionLog Log, FaultyStorageIo Io)> OpenFaulty(StorageOptions options, bool refuseDirect = false)
    {
        FaultyStorageIo? io = null;
        var log = await Run(() =>
        {
            io = new FaultyStorageIo(ShardStorageIo.ForCurrentShard()) { RefuseDirect = refuseDirect };
            return PartitionLog.OpenAsync(Directory, WithLog(options), io);
        });
        return (log, io!);
    }

    /// <summary>Appends <see cref="TestStream"/> batches [from, from + count), each awaited before the next.</summary>
    public Task AppendStream(PartitionLog log, int from, int count) => Run(async () =>
    {
        for (var i = from; i < from + count; i++)
        {
            await log.AppendAsync(TestStream.Batch(i));
        }
    });

    /// <summary>Every batch from <paramref name="offset"/> to the high watermark, read in steps of <paramref name="maxBytes"/>, each CRC-checked.</summary>
    public Task<byte[]> ReadFrom(PartitionLog log, long offset, int maxBytes = 1 << 20) => Run(async () =>
    {
        var bytes = new List<byte>();
        while (offset < log.HighWatermark)
        {
            using var result = await log.ReadAsync(offset, maxBytes);
            var chunk = result.ToArray();
            bytes.AddRange(chunk);
            for (var at = 0; at < chunk.Length; at += RecordBatchHeader.Read(chunk.AsSpan(at)).TotalSize)
            {
                Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(chunk.AsSpan(at), out _));
                offset = RecordBatchHeader.Read(chunk.AsSpan(at)).LastOffset + 1;
            }
        }

        return bytes.ToArray();
    });

    public Task Close(PartitionLog log) => Run(async () => await log.CloseAsync());

    /// <summary>Options that record the log's messages in <see cref="Messages"/> (thread-safe), warnings and errors prefixed with their level.</summary>
    public StorageOptions WithLog(StorageOptions options) => options with
    {
        Log = Record,
        LogWarning = m => Record("warning: " + m),
        LogError = m => Record("error: " + m),
    };

    private void Record(string message)
    {
        lock (Messages)
        {
            Messages.Add(message);
        }
    }

    public void Dispose()
    {
        _group.Dispose();
        if (System.IO.Directory.Exists(Root))
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }
}
