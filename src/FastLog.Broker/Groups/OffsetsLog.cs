using FastLog.Records;
using FastLog.Storage;

namespace FastLog.Broker.Groups;

/// <summary>
/// One partition of the offsets log ({data-dir}/__consumer_offsets-N): a <see cref="PartitionLog"/>
/// of <see cref="OffsetCommitRecord"/>s, opened and used only on its owner shard (like every
/// partition log), so nothing here is synchronized. Appends are durable (fdatasync, shared by every
/// append of a loop turn) before they complete, so an acknowledged OffsetCommit survives a crash.
/// </summary>
internal sealed class OffsetsLog
{
    /// <summary>Reads during replay: large enough that a log is read in few steps, small enough not to matter.</summary>
    private const int ReplayReadBytes = 1 << 20;

    private readonly PartitionLog _log;
    private int _appending;

    private OffsetsLog(int partition, PartitionLog log)
    {
        Partition = partition;
        _log = log;
    }

    public int Partition { get; }

    /// <summary>Records in the log (replay cost): what compaction compares with the live entries.</summary>
    public long RecordCount => _log.LogEndOffset - _log.LogStartOffset;

    /// <summary>True while an append is in flight (compaction waits for a quiet moment).</summary>
    public bool IsAppending => _appending > 0;

    public static async ValueTask<OffsetsLog> OpenAsync(string directory, int partition, Action<string> log)
    {
        var options = new StorageOptions
        {
            // Never deleted by age or size: only compaction (CompactAsync) moves the LogStartOffset.
            RetentionAge = null,
            RetentionBytes = -1,
            SegmentBytes = 16L << 20,
            SegmentAge = TimeSpan.FromDays(1),
            PreallocateBytes = 1L << 20,
            TailCacheBytes = 256 << 10,
            Durability = DurabilityMode.Durable,
            Log = log,
        };
        return new OffsetsLog(partition, await PartitionLog.OpenAsync(directory, options));
    }

    /// <summary>
    /// Appends <paramref name="records"/> as one batch; once they are on disk, runs
    /// <paramref name="onDurable"/> (the in-memory update) before the append counts as finished, so
    /// compaction never sees a record that is in the log but not yet in memory.
    /// </summary>
    public async ValueTask AppendAsync(IReadOnlyList<KeyValueRecord> records, Action? onDurable = null)
    {
        _appending++;
        try
        {
            if (records.Count > 0)
            {
                await _log.AppendAsync(new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }.Build(records));
            }

            onDurable?.Invoke();
        }
        finally
        {
            _appending--;
        }
    }

    /// <summary>Calls <paramref name="apply"/> for every record from the LogStartOffset on, in log order.</summary>
    public async Task ReplayAsync(Action<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?> apply)
    {
        var offset = _log.LogStartOffset;
        while (offset < _log.HighWatermark)
        {
            using var read = await _log.ReadAsync(offset, ReplayReadBytes);
            // A file region is read with a blocking pread: keep it off the shard.
            var bytes = read.File is null ? read.ToArray() : await Task.Run(read.ToArray);
            var next = PlainRecordBatch.Decode(bytes, apply);
            if (next <= offset)
            {
                break;
            }

            offset = next;
        }
    }

    /// <summary>
    /// Compaction by snapshot: appends every live entry again (<paramref name="live"/>) and makes
    /// the first of them the new LogStartOffset, so replay reads only the snapshot and what follows.
    /// Whole segments below it are deleted. Call only when no append is in flight: an append still
    /// in flight would be below the snapshot without being in it.
    /// </summary>
    public async Task CompactAsync(IReadOnlyList<KeyValueRecord> live, int recordsPerBatch)
    {
        var snapshotStart = _log.LogEndOffset;
        for (var i = 0; i < live.Count; i += recordsPerBatch)
        {
            await AppendAsync(live.Skip(i).Take(recordsPerBatch).ToList());
        }

        await _log.DeleteRecordsAsync(snapshotStart);
    }

    public Task CloseAsync() => _log.CloseAsync();
}
