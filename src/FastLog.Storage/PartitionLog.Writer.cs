using System.Diagnostics;
using FastLog.Core;
using FastLog.Records;
using FastLog.Storage.Index;
using FastLog.Storage.Policy;
using FastLog.Storage.Write;

namespace FastLog.Storage;

/// <summary>The append path and the writer loop (see the class comment in PartitionLog.cs).</summary>
public sealed partial class PartitionLog
{
    private readonly Queue<PendingWork> _queue = new();
    private readonly List<PendingAppend> _flush = [];
    private readonly List<ReadOnlyMemory<byte>> _flushData = [];
    private bool _writerScheduled;
    private bool _writerRunning;
    private bool _timerArmed;
    private bool _checkpointDirty;
    private bool _intervalSyncRunning;
    private long _lastCheckpointMs;
    private long _lastSyncMs;
    private long _lastRetentionMs;
    private long _spaceShortageSeen;
    private DiskFullState? _diskFullState;

    private DiskFullState DiskFullState => _diskFullState ??= new DiskFullState(LogWarning, Log);

    /// <summary>
    /// Appends the RecordBatches in <paramref name="records"/> (one or more, back to back, as
    /// they came on the wire). They are validated first (<see cref="InvalidRecordBatchException"/>:
    /// nothing is stored) and copied, so the caller's buffer is free on return. The result
    /// completes with the assigned offsets once the batches are committed: after fdatasync in
    /// <see cref="DurabilityMode.Durable"/>, after the write in <see cref="DurabilityMode.Interval"/>.
    /// A full disk (ENOSPC, EDQUOT) fails the append with that <see cref="IOException"/>; nothing
    /// already stored is affected and later appends succeed once space is freed. Any other write
    /// error (EIO) faults the partition (<see cref="PartitionFaultedException"/>) until it is reopened.
    /// </summary>
    public ValueTask<AppendResult> AppendAsync(ReadOnlySpan<byte> records, int leaderEpoch = -1)
    {
        ThrowIfUnusable();
        var validation = RecordBatchValidator.ValidateForAppend(records, _options.MaxBatchBytes);
        if (!validation.IsValid)
        {
            return ValueTask.FromException<AppendResult>(new InvalidRecordBatchException(validation));
        }

        if (_options.Compaction is not null && KeylessBatch(records, _options.MaxDecompressedBytes) is { IsValid: false } keyless)
        {
            return ValueTask.FromException<AppendResult>(new InvalidRecordBatchException(keyless with { BatchCount = validation.BatchCount }));
        }

        var pending = new PendingAppend(_cache.Copy(records), validation.OffsetCount, leaderEpoch);
        Enqueue(pending);
        return pending.Task;
    }

    /// <summary>
    /// Kafka's rule for compacted topics: every record needs a key (the cleaner keeps the latest per
    /// key; a keyless one could never be compacted). Compressed batches are decompressed to check,
    /// as Kafka does, bounded by <see cref="StorageOptions.MaxDecompressedBytes"/>.
    /// </summary>
    private static RecordBatchValidation KeylessBatch(ReadOnlySpan<byte> records, int maxDecompressedBytes)
    {
        var index = 0;
        while (!records.IsEmpty)
        {
            var size = (int)RecordBatchHeader.ReadTotalSize(records);
            try
            {
                if (RecordBatchRecords.Read(records[..size], maxDecompressedBytes).Records.Any(r => !r.HasKey))
                {
                    return new RecordBatchValidation(RecordBatchError.NullKeyInCompactedTopic, index, index, 0);
                }
            }
            catch (InvalidDataException)
            {
                return new RecordBatchValidation(RecordBatchError.UnreadableRecords, index, index, 0);
            }

            records = records[size..];
            index++;
        }

        return new RecordBatchValidation(RecordBatchError.None, -1, index, 0);
    }

    /// <summary>
    /// Makes every append that completed before this call durable (fdatasync); in
    /// <see cref="DurabilityMode.Interval"/> this is how acks=all waits for the disk. Callers that
    /// arrive while a flush is still queued share it (group commit): it has not started, so it runs
    /// after their appends were written and covers them too.
    /// </summary>
    public Task FlushAsync()
    {
        ThrowIfUnusable();
        return _queuedFlush ??= RunExclusiveAsync(async () =>
        {
            _queuedFlush = null;
            try
            {
                await SyncWrittenAsync(_options.UnixTimeMs());
            }
            catch (Exception error)
            {
                // Durability of the written bytes is unknown: never acknowledge them, and stop (as in Durable mode).
                var faulted = new PartitionFaultedException(Directory, error);
                Fault(faulted);
                throw faulted;
            }
        });
    }

    /// <summary>fdatasync of the active segment when it holds written but unsynced bytes (sealed segments are synced when sealed).</summary>
    private async ValueTask SyncWrittenAsync(long now)
    {
        if (Active.Appender is { } appender && appender.SyncedEnd < appender.WrittenEnd)
        {
            await SyncAsync(appender);
            _lastSyncMs = now;
        }
    }

    /// <summary>
    /// fdatasync of the active segment: every batch committed when it starts is durable when it
    /// completes (a batch committed meanwhile may or may not be, so it is not counted).
    /// </summary>
    private async ValueTask SyncAsync(SegmentAppender appender)
    {
        var committed = LogEndOffset;
        await appender.SyncAsync();
        MarkDurable(committed);
    }

    private void MarkDurable(long endOffset) => DurableEndOffset = Math.Max(DurableEndOffset, endOffset);

    /// <summary>Runs <paramref name="operation"/> in the writer loop, after everything queued before it.</summary>
    private Task RunExclusiveAsync(Func<ValueTask> operation)
    {
        var pending = new PendingOperation(operation);
        Enqueue(pending);
        return pending.Task;
    }

    private void Enqueue(PendingWork work)
    {
        _queue.Enqueue(work);
        ScheduleWriter();
    }

    /// <summary>
    /// Starts the writer in a later loop turn rather than now, so every append made during
    /// this turn (by every connection the shard serves) joins the same write and fdatasync.
    /// </summary>
    private void ScheduleWriter()
    {
        if (_writerRunning || _writerScheduled)
        {
            return;
        }

        _writerScheduled = true;
        _io.Post(static state => ((PartitionLog)state!).StartWriter(), this);
    }

    private void StartWriter()
    {
        _writerScheduled = false;
        if (!_writerRunning)
        {
            _ = RunWriterAsync();
        }
    }

    private async Task RunWriterAsync()
    {
        _writerRunning = true;
        try
        {
            while (_queue.Count > 0 && !_closed && _fault is null)
            {
                if (_queue.Peek() is PendingOperation operation)
                {
                    _queue.Dequeue();
                    await operation.RunAsync();
                }
                else
                {
                    await FlushAppendsAsync();
                }

                // Between flushes too: under sustained load the queue never drains, and interval
                // syncs and checkpoints must still happen on time.
                if (!_closed && _fault is null)
                {
                    await HousekeepAsync();
                }
            }

            if (!_closed && _fault is null)
            {
                await HousekeepAsync();
            }
        }
        catch (Exception error)
        {
            // Only sync, seal and checkpoint failures get here: the durable state is unknown.
            Fault(error);
        }
        finally
        {
            _writerRunning = false;
        }

        FailQueued();
        if (_queue.Count > 0)
        {
            ScheduleWriter();
        }

        ArmHousekeepingTimer();
    }

    private async ValueTask FlushAppendsAsync()
    {
        var now = _options.UnixTimeMs();
        var head = (PendingAppend)_queue.Peek();
        if (RefuseHeadIfBehind(Active.NextOffset))
        {
            return;
        }

        if (SegmentRollPolicy.ShouldRollForAppend(Active.Summary, head.Data.Length, head.LastOffsetIfTakenAt(Active.NextOffset), MaxTimestampOf(head, now), _options, now)
            && await RollAsync(now) is { } rollError)
        {
            _queue.Dequeue();
            head.Fail(rollError);
            return;
        }

        var active = Active;
        var appender = active.Appender!;
        var next = active.NextOffset;
        var bytes = 0;
        var appendTime = _options.LogAppendTime ? now : -1;
        while (_queue.Count > 0 && _queue.Peek() is PendingAppend pending)
        {
            if (RefuseHeadIfBehind(next))
            {
                continue;
            }

            if (_flush.Count > 0)
            {
                var projected = active.Summary with { SizeBytes = active.Size + bytes };
                if (bytes + pending.Data.Length > _options.MaxFlushBytes
                    || SegmentRollPolicy.ShouldRollForAppend(projected, pending.Data.Length, pending.LastOffsetIfTakenAt(next), MaxTimestampOf(pending, now), _options, now))
                {
                    break;
                }
            }

            _queue.Dequeue();
            if (!pending.IsReplicated)
            {
                pending.Assign(next, appendTime);
            }

            next = pending.LastOffset + 1;
            bytes += pending.Data.Length;
            _flush.Add(pending);
            _flushData.Add(pending.Data.Memory);
        }

        if (_options.Metrics is { } metrics)
        {
            var flushStart = Stopwatch.GetTimestamp();
            foreach (var queued in _flush)
            {
                metrics.AppendQueued(flushStart - queued.QueuedAt);
            }
        }

        try
        {
            try
            {
                await appender.WriteAsync(_flushData, bytes);
            }
            catch (Exception error) when (DiskFull.Is(error))
            {
                // Nothing was committed and the appender is unchanged: fail these, keep going; the
                // next appends retry, and succeed once space is freed.
                NoteDiskFull($"append of {bytes} bytes", error, now);
                foreach (var failed in _flush)
                {
                    failed.Fail(error);
                }

                return;
            }
            catch (Exception error)
            {
                // EIO, a short write: the device misbehaves and what the file holds past the
                // committed end is unknown. Stop, as after a failed sync; reopening recovers.
                var faulted = new PartitionFaultedException(Directory, error);
                foreach (var failed in _flush)
                {
                    failed.Fail(faulted);
                }

                throw;
            }

            // Decided once for the sync and the commit: UpdateOptions may swap the options meanwhile.
            var durable = _options.Durability == DurabilityMode.Durable;
            if (durable)
            {
                try
                {
                    await appender.SyncAsync();
                }
                catch (Exception error)
                {
                    // The written bytes may or may not be durable: never acknowledge them, and stop.
                    var faulted = new PartitionFaultedException(Directory, error);
                    foreach (var failed in _flush)
                    {
                        failed.Fail(faulted);
                    }

                    throw;
                }

                _lastSyncMs = now;
            }

            Commit(active, durable);
            _diskFullState?.Succeeded(now);
        }
        finally
        {
            _flush.Clear();
            _flushData.Clear();
        }
    }

    /// <summary>The timestamp the append's batches will carry once stored (a leader's, as it stamped them, for a replicated append).</summary>
    private long MaxTimestampOf(PendingAppend pending, long now) => _options.LogAppendTime && !pending.IsReplicated ? now : pending.MaxTimestamp;

    /// <summary>
    /// Makes the flushed appends visible (<paramref name="durable"/>: fdatasync'ed too), then
    /// completes them (their continuations see the new state).
    /// </summary>
    private void Commit(LogSegment active, bool durable)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var pending in _flush)
        {
            _options.Metrics?.AppendCommitted(now - pending.QueuedAt);
            active.Commit(pending.Data.Span);
            if (pending.IsReplicated)
            {
                RecordReplicatedBatches(pending.Data.Span);
            }
            else
            {
                _epochs.Assign(pending.LeaderEpoch, pending.BaseOffset);
            }

            // Last: the cache takes over the slice (and releases it at once when it keeps nothing).
            _cache.Add(pending.BaseOffset, pending.LastOffset, pending.Data);
        }

        if (durable)
        {
            MarkDurable(LogEndOffset);
        }

        _checkpointDirty = true;
        var logStart = LogStartOffset;
        foreach (var pending in _flush)
        {
            pending.Complete(logStart);
        }
    }

    /// <summary>
    /// Closes the active segment and starts a new one at the log end. The new segment's files
    /// exist (directory fdatasync'ed) and the old one is sealed before the checkpoint names the new
    /// one. If the new segment cannot be created (disk full), the old one stays active and the
    /// error is returned; a failure after that point (sealing) throws and faults the partition.
    /// </summary>
    private async ValueTask<IOException?> RollAsync(long now)
    {
        var old = Active;
        LogSegment? next = null;
        try
        {
            next = LogSegment.Open(Directory, old.NextOffset, new SegmentIndexer(old.NextOffset, _options.IndexIntervalBytes), 0, old.NextOffset, now);
            next.StartAppending(_io, _options);
        }
        catch (IOException error)
        {
            next?.Delete();
            if (DiskFull.Is(error))
            {
                NoteDiskFull($"rolling to a new segment at {old.NextOffset}", error, now);
            }
            else
            {
                LogWarning($"cannot roll to a new segment at {old.NextOffset}: {error.Message}");
            }

            return error;
        }

        await old.SealAsync(_io);
        MarkDurable(old.NextOffset);
        _segments.Add(next);
        await _io.DataSyncAsync(_directoryHandle);
        await WriteCheckpointAsync(clean: false);
        return null;
    }

    /// <summary>Interval-mode fdatasync, periodic checkpoint and retention, when each is due.</summary>
    private async ValueTask HousekeepAsync()
    {
        var now = _options.UnixTimeMs();
        if (!_intervalSyncRunning && Active.Appender is { } appender && appender.SyncedEnd < appender.WrittenEnd
            && now - _lastSyncMs >= (long)_options.FlushInterval.TotalMilliseconds)
        {
            _lastSyncMs = now;
            _ = IntervalSyncAsync(appender);
        }

        ReleaseReservationOnShortage();
        try
        {
            if (_checkpointDirty && now - _lastCheckpointMs >= (long)_options.CheckpointInterval.TotalMilliseconds)
            {
                await WriteCheckpointAsync(clean: false);
            }

            if (now - _lastRetentionMs >= (long)_options.RetentionCheckInterval.TotalMilliseconds)
            {
                await ApplyRetentionAsync(now);
            }

            MaybeStartCleaning(now);
        }
        catch (IOException error) when (!IsSyncFailure(error))
        {
            // A checkpoint or deletion that failed (e.g. disk full) is retried next time; the log
            // itself is intact. Failed fdatasyncs are different: they fault the partition.
            if (DiskFull.Is(error))
            {
                NoteDiskFull("a checkpoint or retention pass", error, now);
            }
            else
            {
                Log($"housekeeping failed, will retry: {error.Message}");
            }

            _lastCheckpointMs = now;
            _lastRetentionMs = now;
        }
    }

    /// <summary>
    /// Interval mode's fdatasync runs beside the writer, not in it: appends were acknowledged at
    /// write time, so they must not queue behind a sync (ext4 fdatasync after O_DIRECT writes into
    /// preallocated space commits extent conversions and takes milliseconds). A failure faults the
    /// partition as any failed sync does.
    /// </summary>
    private async Task IntervalSyncAsync(SegmentAppender appender)
    {
        _intervalSyncRunning = true;
        try
        {
            await SyncAsync(appender);
        }
        catch (Exception error)
        {
            Fault(error);
            FailQueued();
        }
        finally
        {
            _intervalSyncRunning = false;
        }
    }

    /// <summary>A write found the disk full: say so (once, see <see cref="Write.DiskFullState"/>) and make every partition give back its reservation.</summary>
    private void NoteDiskFull(string what, Exception error, long now)
    {
        DiskFullState.Failed(what, error, now);
        _options.SpaceShortage?.Signal();
    }

    /// <summary>
    /// After another partition (or this one) found the disk full, the space reserved ahead of this
    /// one's writer goes back to the filesystem, where the next append of any partition can use it.
    /// </summary>
    private void ReleaseReservationOnShortage()
    {
        if (_options.SpaceShortage is not { } shortage || shortage.Generation == _spaceShortageSeen)
        {
            return;
        }

        _spaceShortageSeen = shortage.Generation;
        try
        {
            Active.Appender?.ReleaseReservation();
        }
        catch (IOException error)
        {
            Log($"cannot give back the preallocated space: {error.Message}");
        }
    }

    /// <summary>fsync/fdatasync failures leave durability unknown (the kernel may have dropped the pages).</summary>
    private static bool IsSyncFailure(Exception error) =>
        error is NativeIOException { Operation: "fdatasync" or "fsync" } || error.InnerException is { } inner && IsSyncFailure(inner);

    /// <summary>Keeps one timer armed while open so interval syncs, checkpoints and retention happen without appends.</summary>
    private void ArmHousekeepingTimer()
    {
        if (_timerArmed || _closed || _fault is not null)
        {
            return;
        }

        var period = _options.CheckpointInterval;
        if (_options.Durability == DurabilityMode.Interval && _options.FlushInterval < period)
        {
            period = _options.FlushInterval;
        }

        if (_options.RetentionCheckInterval < period)
        {
            period = _options.RetentionCheckInterval;
        }

        if (_options.Compaction is { } compaction && compaction.Backoff < period)
        {
            period = compaction.Backoff;
        }

        _timerArmed = true;
        _io.ScheduleTimer(period, static state =>
        {
            var log = (PartitionLog)state!;
            log._timerArmed = false;
            if (!log._closed && log._fault is null)
            {
                // The writer re-arms the timer when it finishes this (or its current) run.
                log.ScheduleWriter();
            }
        }, this);
    }

    private void Fault(Exception error)
    {
        if (_fault is not null)
        {
            return;
        }

        _fault = error;
        LogWarning($"faulted, appends refused until the partition is reopened (restart the broker): {error}");
        _options.Faulted?.Invoke(error);
    }

    /// <summary>After close or a fault, nothing queued can run: fail it.</summary>
    private void FailQueued()
    {
        if (!_closed && _fault is null)
        {
            return;
        }

        Exception error = _closed ? new ObjectDisposedException(nameof(PartitionLog)) : new PartitionFaultedException(Directory, _fault!);
        while (_queue.TryDequeue(out var work))
        {
            work.Fail(error);
        }
    }
}
