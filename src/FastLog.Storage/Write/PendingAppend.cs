using System.Threading.Tasks.Sources;
using FastLog.Records;
using FastLog.Storage.Read;

namespace FastLog.Storage.Write;

/// <summary>
/// One append waiting in a partition's writer queue: the private copy of its batches in a
/// tail-cache chunk (it becomes the cache entry once committed, never modified after; a failed
/// append releases it) and the awaitable the caller holds. Offsets are assigned when the writer takes it into a flush, so a flush that
/// fails leaves no gap to undo. One object per append, completed exactly once, never reused.
/// Continuations run inline on the shard when the writer completes it.
/// </summary>
internal sealed class PendingAppend : PendingWork, IValueTaskSource<AppendResult>
{
    private ManualResetValueTaskSourceCore<AppendResult> _core;

    public PendingAppend(CacheSlice data, long offsetCount, int leaderEpoch)
        : this(data)
    {
        OffsetCount = offsetCount;
        LeaderEpoch = leaderEpoch;
    }

    private PendingAppend(CacheSlice data)
    {
        Data = data;
        MaxTimestamp = -1;
        for (ReadOnlySpan<byte> rest = data.Span; !rest.IsEmpty;)
        {
            var header = RecordBatchHeader.Read(rest);
            MaxTimestamp = Math.Max(MaxTimestamp, header.MaxTimestamp);
            rest = rest[header.TotalSize..];
        }
    }

    /// <summary>
    /// A follower's append of its leader's batches: they keep the offsets and leader epochs they
    /// carry (<see cref="Assign"/> is never called), from <paramref name="baseOffset"/> (the first
    /// batch's) to <paramref name="lastOffset"/> (the last batch's), gaps left by the leader's
    /// cleaner included.
    /// </summary>
    public static PendingAppend Replicated(CacheSlice data, long baseOffset, long lastOffset) => new(data)
    {
        IsReplicated = true,
        BaseOffset = baseOffset,
        LastOffset = lastOffset,
        OffsetCount = lastOffset - baseOffset + 1,
        LeaderEpoch = -1,
    };

    /// <summary>Stopwatch timestamp of when the append was queued (for <see cref="IStorageMetrics"/>).</summary>
    public long QueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public CacheSlice Data { get; }

    /// <summary>Offsets from the first batch's base to the last batch's last offset.</summary>
    public long OffsetCount { get; private init; }

    /// <summary>The epoch <see cref="Assign"/> stamps (a replicated append's batches carry their own).</summary>
    public int LeaderEpoch { get; private init; }

    /// <summary>The leader's batches, stored as they are (see <see cref="Replicated"/>).</summary>
    public bool IsReplicated { get; private init; }

    /// <summary>Largest batch MaxTimestamp as the producer sent it (segment.ms roll decisions).</summary>
    public long MaxTimestamp { get; }

    public long BaseOffset { get; private set; } = -1;

    public long LastOffset { get; private set; } = -1;

    public long LogAppendTime { get; private set; } = -1;

    /// <summary>The last offset the append will have if the writer takes it when the log ends at <paramref name="next"/>.</summary>
    public long LastOffsetIfTakenAt(long next) => IsReplicated ? LastOffset : next + OffsetCount - 1;

    public ValueTask<AppendResult> Task => new(this, _core.Version);

    /// <summary>Stamps offsets (and LogAppendTime when <paramref name="logAppendTimeMs"/> >= 0) into every batch.</summary>
    public void Assign(long baseOffset, long logAppendTimeMs)
    {
        BaseOffset = baseOffset;
        LogAppendTime = logAppendTimeMs;
        var next = baseOffset;
        var rest = Data.Span;
        while (!rest.IsEmpty)
        {
            var header = RecordBatchHeader.Read(rest);
            var batch = rest[..header.TotalSize];
            RecordBatchHeader.SetBaseOffset(batch, next);
            RecordBatchHeader.SetPartitionLeaderEpoch(batch, LeaderEpoch);
            if (logAppendTimeMs >= 0)
            {
                RecordBatchHeader.SetLogAppendTime(batch, logAppendTimeMs);
            }

            next += header.LastOffsetDelta + 1;
            rest = rest[header.TotalSize..];
        }

        LastOffset = next - 1;
    }

    public void Complete(long logStartOffset) =>
        _core.SetResult(new AppendResult(BaseOffset, LastOffset, LogAppendTime, logStartOffset));

    public override void Fail(Exception error)
    {
        Data.Release();
        _core.SetException(error);
    }

    AppendResult IValueTaskSource<AppendResult>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<AppendResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<AppendResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
