using System.Collections.Immutable;
using FastLog.Core;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;
using FastLog.Protocol;

namespace FastLog.Broker.Partitions;

/// <summary>
/// The partition's part in ISR replication (Kafka's Partition): its assignment from the committed
/// metadata image and, while this broker leads it, each follower's progress, the high watermark
/// (the smallest log end over the ISR, advanced only while the ISR has min.insync.replicas
/// members, as KIP-966 does) and the acks=all produce requests waiting for it. On a single node
/// there is no assignment and the log's high watermark follows its end. Owner shard only.
/// </summary>
public sealed partial class PartitionReplica
{
    private readonly Dictionary<int, FollowerProgress> _followers = [];
    private readonly List<AckWaiter> _ackWaiters = [];
    private PartitionImage? _assignment;
    private int _localBroker = -1;
    private int _minInSyncReplicas = 1;
    private long _leaderEpochStartOffset;

    // The partition epoch an ISR change was last requested at, and when: one request per partition
    // epoch, sent again only if no new image came within IsrChangeRetryMs (a lost or refused answer).
    private const long IsrChangeRetryMs = 5_000;
    private int _isrChangeRequestedAt = -1;
    private long _isrChangeRequestedMs;

    // The committed ISR and the one last asked for at partition epoch _isrChangeRequestedAt,
    // together (computed once per request, off the produce path). Until an image moves the
    // partition epoch on, the high watermark counts the new members too (Kafka's maximal ISR,
    // KIP-497): a follower proposed because it held everything below the high watermark must go on
    // holding everything acknowledged, or the moment its membership commits it would be an ISR
    // member (and electable) without records the producers were told are safe. The soak lost 7
    // acknowledged records exactly so: the high watermark moved on over the old ISR while the
    // expansion was in flight, the new member was elected after the leader died, and truncated them.
    private ImmutableArray<int> _maximalIsr = [];

    // Completes once the log has committed every append queued before this broker became leader
    // (a follower's last fetched batches, whose producer state is recorded at commit): produce
    // checks wait for it (in the chain of turns, PartitionReplica.Compression.cs, so arrival order
    // holds), or a retry of a batch still in that queue would pass as new and be stored twice.
    private Task _leaderReady = Task.CompletedTask;

    /// <summary>Replicas, ISR, leader and epochs as this shard last applied them from the image; null on a single node.</summary>
    public PartitionImage? Assignment => _assignment;

    /// <summary>True while the applied image makes this broker the partition's leader.</summary>
    public bool IsLeader => _assignment is { } assignment && assignment.Leader == _localBroker;

    /// <summary>
    /// Takes the partition's assignment from a newly committed image. Becoming leader (or leading
    /// at a new epoch) starts every follower's progress afresh, as caught up now (Kafka gives ISR
    /// members a full lag period after an election); stopping leading answers the acks=all requests
    /// still waiting with NOT_LEADER_OR_FOLLOWER, since this broker can no longer tell whether
    /// their records survive; an ISR below min.insync.replicas answers them with
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND (Kafka's answer once the ISR shrinks under a waiting request).
    /// </summary>
    public void ApplyAssignment(PartitionImage assignment, int localBroker, int minInSyncReplicas, long nowMs)
    {
        var continuesLeading = IsLeader && _assignment!.LeaderEpoch == assignment.LeaderEpoch;
        _assignment = assignment;
        _localBroker = localBroker;
        _minInSyncReplicas = minInSyncReplicas;
        if (assignment.Leader != localBroker)
        {
            StopLeading();
            return;
        }

        LeaderEpoch = assignment.LeaderEpoch;
        if (!continuesLeading)
        {
            _followers.Clear();
            // Where the epoch starts: after the follower appends still queued (the soak saw a new
            // leader that took its log end here answer followers that the previous epoch ended
            // before batches it then served them, so they truncated and fetched them in a loop).
            _leaderEpochStartOffset = Log.ReplicatedEndOffset;
            _leaderReady = QueuedWritesCommittedAsync(assignment.LeaderEpoch);
        }

        foreach (var follower in assignment.Replicas)
        {
            if (follower != localBroker && !_followers.ContainsKey(follower))
            {
                _followers[follower] = new FollowerProgress(nowMs);
            }
        }

        // A replica a reassignment dropped is forgotten: added back later with an empty log, its old
        // progress would count it as caught up before its first fetch.
        foreach (var dropped in _followers.Keys.Where(f => !assignment.Replicas.Contains(f)).ToList())
        {
            _followers.Remove(dropped);
        }

        if (assignment.Isr.Length < minInSyncReplicas)
        {
            CompleteAckWaiters(long.MaxValue, ErrorCode.NotEnoughReplicasAfterAppend);
        }

        UpdateHighWatermark();
    }

    /// <summary>
    /// A flush queued behind every pending write: done once they are committed (failures are the
    /// appends' own to report). Then, still leading at <paramref name="leaderEpoch"/>, the epoch's
    /// start is the log end exactly (a queued append that failed does not extend the log); nothing
    /// of this leader's own is in the log yet, since its produce requests wait for this.
    /// </summary>
    private async Task QueuedWritesCommittedAsync(int leaderEpoch)
    {
        try
        {
            await Log.FlushAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A faulted or closed log refuses the produce requests itself.
            return;
        }

        if (IsLeader && LeaderEpoch == leaderEpoch)
        {
            _leaderEpochStartOffset = Log.LogEndOffset;
        }
    }

    /// <summary>Waits (when needed) until the writes queued before this broker became leader are committed; see <see cref="_leaderReady"/>.</summary>
    private ValueTask LeaderReadyAsync() => _leaderReady.IsCompleted ? ValueTask.CompletedTask : new ValueTask(_leaderReady);

    /// <summary>
    /// A follower's fetch reached the leader: <paramref name="fetchOffset"/> is its log end (what it
    /// has made durable, with replica.flush.before.fetch). It counts as caught up when it asks for
    /// the leader's end, or for at least what the leader's end was at its previous fetch (then it
    /// was caught up as of that fetch: Kafka's lastCaughtUpTime rule). Ignored unless this broker
    /// leads, <paramref name="follower"/> is a replica and the offset is within this log (the fetch
    /// handler calls it only for fetches whose last fetched epoch does not diverge).
    /// </summary>
    public void RecordFollowerFetch(int follower, long fetchOffset, long nowMs)
    {
        var leaderEnd = Log.LogEndOffset;
        if (!IsLeader || !_followers.TryGetValue(follower, out var progress) || fetchOffset > leaderEnd)
        {
            // Past this log's end the follower holds what the leader does not (it is answered OFFSET_OUT_OF_RANGE and truncates): no progress.
            return;
        }

        if (fetchOffset >= leaderEnd)
        {
            progress.LastCaughtUpMs = nowMs;
        }
        else if (fetchOffset >= progress.LeaderEndAtLastFetch)
        {
            progress.LastCaughtUpMs = Math.Max(progress.LastCaughtUpMs, progress.LastFetchMs);
        }

        progress.LeaderEndAtLastFetch = leaderEnd;
        progress.LastFetchMs = nowMs;
        progress.LogEndOffset = fetchOffset;
        UpdateHighWatermark();
    }

    /// <summary>
    /// The ISR this leader should ask the controller for, or null when it is right (or a request is
    /// in flight): ISR members that have not caught up for <paramref name="lagMaxMs"/> leave; replicas
    /// that have reached the high watermark and this leader epoch's start (so they hold nothing the
    /// leader does not) join.
    /// </summary>
    public ImmutableArray<int>? ProposedIsr(long nowMs, long lagMaxMs)
    {
        if (!IsLeader || OfflineReason is not null || (_assignment!.PartitionEpoch == _isrChangeRequestedAt && nowMs - _isrChangeRequestedMs < IsrChangeRetryMs))
        {
            return null;
        }

        var assignment = _assignment;
        var highWatermark = Log.HighWatermark;
        var isr = assignment.Replicas.Where(r => r == _localBroker || (_followers.TryGetValue(r, out var p) && (assignment.Isr.Contains(r)
            ? nowMs - p.LastCaughtUpMs <= lagMaxMs
            : p.LogEndOffset >= highWatermark && p.LogEndOffset >= _leaderEpochStartOffset))).ToImmutableArray();
        return isr.SequenceEqual(assignment.Replicas.Where(assignment.Isr.Contains)) ? null : isr;
    }

    /// <summary>
    /// OffsetForLeaderEpoch (and a follower fetch's divergence check) against this replica: the
    /// log's epoch cache, Kafka's rules, except that a leader's own epoch counts from the log end
    /// at its election even before its first batch (Kafka's leader writes it into the cache then),
    /// so the epoch before it ends there rather than at the log end.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int epoch)
    {
        var latestInLog = Log.LeaderEpochs is { Count: > 0 } epochs ? epochs[^1].Epoch : -1;
        if (_assignment is null && latestInLog < 0)
        {
            // A single node reports leader epoch 0 in Metadata and ListOffsets and stamps none on
            // batches: its whole log is epoch 0, so a client validating a position at epoch 0 (the
            // Java consumer after a metadata change) is not told its log was truncated.
            return epoch == 0 ? (0, Log.LogEndOffset) : (-1, -1);
        }

        if (IsLeader && LeaderEpoch > latestInLog)
        {
            if (epoch >= LeaderEpoch)
            {
                return epoch == LeaderEpoch ? (epoch, Log.LogEndOffset) : (-1, -1);
            }

            if (latestInLog >= 0 && epoch >= latestInLog)
            {
                return (latestInLog, _leaderEpochStartOffset);
            }
        }

        return Log.EndOffsetForEpoch(epoch);
    }

    /// <summary>
    /// A change to <paramref name="isr"/> for the current partition epoch was sent (or refused): no
    /// other is proposed until the image moves the partition epoch on, or for
    /// <see cref="IsrChangeRetryMs"/>, so a refused change (this broker's image is behind) is not
    /// asked again four times a second. Meanwhile the high watermark waits for its new members too.
    /// </summary>
    public void IsrChangeRequested(ImmutableArray<int> isr, long nowMs)
    {
        _isrChangeRequestedAt = _assignment?.PartitionEpoch ?? -1;
        _isrChangeRequestedMs = nowMs;
        _maximalIsr = _assignment is { } assignment ? [.. assignment.Isr.Union(isr)] : isr;
    }

    /// <summary>
    /// The members the high watermark waits for: the committed ISR, plus the members of an ISR
    /// expansion asked for at the current partition epoch (see <see cref="_maximalIsr"/>).
    /// </summary>
    private ImmutableArray<int> MaximalIsr() =>
        _assignment!.PartitionEpoch == _isrChangeRequestedAt ? _maximalIsr : _assignment.Isr;

    /// <summary>
    /// acks=all: waits until the high watermark passes <paramref name="lastOffset"/> (every ISR
    /// member holds the batch), at most <paramref name="timeout"/>: NONE, REQUEST_TIMED_OUT,
    /// NOT_LEADER_OR_FOLLOWER (leadership moved meanwhile) or NOT_ENOUGH_REPLICAS_AFTER_APPEND.
    /// Immediately NONE on a single node.
    /// </summary>
    private async ValueTask<ErrorCode> WaitForReplicasAsync(long lastOffset, TimeSpan timeout)
    {
        if (_assignment is null || Log.HighWatermark > lastOffset)
        {
            return ErrorCode.None;
        }

        if (!IsLeader)
        {
            return ErrorCode.NotLeaderOrFollower;
        }

        if (_assignment.Isr.Length < _minInSyncReplicas)
        {
            // The ISR shrank between the check before the append and now: the image that shrank it
            // answered the requests already waiting, and this one would otherwise wait for nothing.
            return ErrorCode.NotEnoughReplicasAfterAppend;
        }

        var waiter = new AckWaiter(lastOffset + 1);
        _ackWaiters.Add(waiter);
        var shard = Shard.Current ?? throw new InvalidOperationException("A partition is served on its owner shard.");
        var timer = shard.ScheduleTimer(timeout <= TimeSpan.Zero ? TimeSpan.Zero : timeout, static w => ((AckWaiter)w!).Done.TrySetResult(ErrorCode.RequestTimedOut), waiter);
        var outcome = await waiter.Done.Task;
        timer.Cancel();
        _ackWaiters.Remove(waiter);
        return outcome;
    }

    /// <summary>
    /// The leader's high watermark: the smallest log end over the ISR (this broker's own log end for
    /// itself; with the members of a pending expansion, <see cref="MaximalIsr"/>), only while the
    /// committed ISR has min.insync.replicas members and every member has fetched since this leader
    /// epoch began. Never moves back. Wakes the acks=all requests it satisfies and the fetches
    /// waiting for records to become readable.
    /// </summary>
    private void UpdateHighWatermark()
    {
        if (!IsLeader || _assignment!.Isr.Length < _minInSyncReplicas || OfflineReason is not null)
        {
            return;
        }

        var highWatermark = Log.LogEndOffset;
        foreach (var member in MaximalIsr())
        {
            if (member != _localBroker)
            {
                var followerEnd = _followers.TryGetValue(member, out var progress) ? progress.LogEndOffset : -1;
                if (followerEnd < 0)
                {
                    return;
                }

                highWatermark = Math.Min(highWatermark, followerEnd);
            }
        }

        long advanced;
        var before = Log.HighWatermark;
        try
        {
            advanced = Log.AdvanceHighWatermark(highWatermark);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A faulted or closing log serves nothing more; its waiters time out or are answered on reassignment.
            return;
        }

        if (advanced > before)
        {
            CompleteAckWaiters(advanced, ErrorCode.None);
            SignalAppended();
        }
    }

    /// <summary>
    /// Kafka's StopReplica: this broker no longer hosts the partition (reassigned away, or its topic
    /// deleted) and is about to close it. It stops leading, and acks=all requests still waiting are
    /// answered NOT_LEADER_OR_FOLLOWER now, so their producers retry on the new leader at once
    /// instead of timing out.
    /// </summary>
    public void StopReplica()
    {
        if (_assignment is { } assignment)
        {
            _assignment = assignment with { Leader = PartitionRecord.NoLeader };
            StopLeading();
        }
    }

    private void StopLeading()
    {
        LeaderEpoch = -1;
        _followers.Clear();
        CompleteAckWaiters(long.MaxValue, ErrorCode.NotLeaderOrFollower);
    }

    /// <summary>Answers the acks=all requests whose batches end below <paramref name="highWatermark"/>.</summary>
    private void CompleteAckWaiters(long highWatermark, ErrorCode outcome)
    {
        foreach (var waiter in _ackWaiters)
        {
            if (waiter.RequiredHighWatermark <= highWatermark)
            {
                waiter.Done.TrySetResult(outcome);
            }
        }
    }

    /// <summary>What the leader knows of one follower (Kafka's Replica state).</summary>
    private sealed class FollowerProgress(long nowMs)
    {
        /// <summary>The follower's log end as its last fetch said; -1 until it fetches from this leader epoch.</summary>
        public long LogEndOffset { get; set; } = -1;

        public long LastCaughtUpMs { get; set; } = nowMs;

        public long LastFetchMs { get; set; } = nowMs;

        public long LeaderEndAtLastFetch { get; set; } = long.MaxValue;
    }

    /// <summary>One acks=all produce waiting for the high watermark to reach <see cref="RequiredHighWatermark"/>.</summary>
    private sealed class AckWaiter(long requiredHighWatermark)
    {
        public long RequiredHighWatermark { get; } = requiredHighWatermark;

        // Completed on the shard (by the high watermark, a reassignment or the timer); continuations posted, not run inside the completer.
        public TaskCompletionSource<ErrorCode> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
