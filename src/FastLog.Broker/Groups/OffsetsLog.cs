using FastLog.Broker.Partitions;
using FastLog.Protocol;
using FastLog.Records;
using FastLog.Storage;
using FastLog.Storage.Compaction;

namespace FastLog.Broker.Groups;

/// <summary>
/// One partition of the offsets log: a <see cref="PartitionLog"/> of <see cref="OffsetCommitRecord"/>s,
/// used only on its owner shard (like every partition log), so nothing here is synchronized.
/// On a single node it is the broker's own log ({data-dir}/__consumer_offsets-N), whose appends
/// are durable (fdatasync, shared by every append of a loop turn) before they complete. In a
/// cluster it is this broker's replica of the __consumer_offsets partition it leads: appends go
/// through the partition as an acks=all produce (durable here and held by the ISR before they
/// complete), so committed offsets survive the loss of the coordinator. Either way an acknowledged
/// OffsetCommit survives a crash, and the log cleaner compacts the log (cleanup.policy=compact).
/// </summary>
internal sealed class OffsetsLog
{
    /// <summary>Reads during replay: large enough that a log is read in few steps, small enough not to matter.</summary>
    private const int ReplayReadBytes = 1 << 20;

    /// <summary>How long a replicated commit waits for the ISR (Kafka's offsets.commit.timeout.ms).</summary>
    private static readonly TimeSpan ReplicatedCommitTimeout = TimeSpan.FromSeconds(5);

    private readonly PartitionLog _log;
    private readonly PartitionReplica? _replica;

    private OffsetsLog(int partition, PartitionLog log, PartitionReplica? replica)
    {
        Partition = partition;
        _log = log;
        _replica = replica;
    }

    public int Partition { get; }

    /// <summary>True for a cluster's replicated partition: the partition manager owns the log and its cleaner compacts it.</summary>
    public bool IsReplicated => _replica is not null;

    /// <summary>The __consumer_offsets replica this broker leads, as the coordinator's log for that partition.</summary>
    public static OffsetsLog OnReplica(int partition, PartitionReplica replica) => new(partition, replica.Log, replica);

    /// <summary>
    /// A single node's offsets-log partition in <paramref name="directory"/>: durable appends, never
    /// deleted by age or size, compacted by the log cleaner (the latest record per group and
    /// partition stays; tombstones go after delete.retention.ms), as Kafka's __consumer_offsets is.
    /// Segments of <paramref name="segmentBytes"/> (or a day's records) are what the cleaner takes.
    /// </summary>
    public static async ValueTask<OffsetsLog> OpenAsync(string directory, int partition, long segmentBytes, Action<string> log)
    {
        var options = new StorageOptions
        {
            RetentionAge = null,
            RetentionBytes = -1,
            SegmentBytes = segmentBytes,
            SegmentAge = TimeSpan.FromDays(1),
            PreallocateBytes = Math.Min(segmentBytes, 1L << 20),
            TailCacheBytes = 256 << 10,
            Durability = DurabilityMode.Durable,
            Compaction = new CompactionOptions(),
            Log = log,
        };
        return new OffsetsLog(partition, await PartitionLog.OpenAsync(directory, options), replica: null);
    }

    /// <summary>Cleans now what the cleaner may clean (its backoff and dirty ratio aside): for tests.</summary>
    internal Task<bool> CompactNowAsync() => _log.CompactNowAsync();

    /// <summary>Appends <paramref name="records"/> as one batch; once they are durable (held by the ISR, in a cluster), runs <paramref name="onDurable"/> (the in-memory update).</summary>
    public async ValueTask AppendAsync(IReadOnlyList<KeyValueRecord> records, Action? onDurable = null)
    {
        if (records.Count > 0)
        {
            var batch = new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }.Build(records);
            if (_replica is null)
            {
                await _log.AppendAsync(batch);
            }
            else if (await _replica.AppendAsync(batch, acks: -1, ReplicatedCommitTimeout) is { Error: not ErrorCode.None } refused)
            {
                throw new OffsetsAppendException(refused.Error, refused.Message);
            }
        }

        onDurable?.Invoke();
    }

    /// <summary>Calls <paramref name="apply"/> for every record from the LogStartOffset on, in log order.</summary>
    public async Task ReplayAsync(Action<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?> apply)
    {
        // Up to the log end: a new coordinator's log holds what the ISR held, some of it maybe not yet
        // below its high watermark, and a leader's log is never truncated (on a single node the two are equal).
        var offset = _log.LogStartOffset;
        while (offset < _log.LogEndOffset)
        {
            using var read = await _log.ReadAsync(offset, ReplayReadBytes, long.MaxValue);
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

    /// <summary>Closes a single node's own log; a replica's stays open with the partition manager.</summary>
    public Task CloseAsync() => _replica is null ? _log.CloseAsync() : Task.CompletedTask;
}
