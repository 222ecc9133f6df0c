using FastLog.Records;
using FastLog.Storage.Index;
using FastLog.Storage.Producers;
using FastLog.Storage.Recovery;
using FastLog.Storage.Write;

namespace FastLog.Storage;

/// <summary>
/// The storage side of a follower (Kafka's ISR replication): appending the leader's batches as they
/// are, truncating the log where it diverged from the leader's (Kafka's Log.truncateTo), and starting
/// it over at the leader's log start (truncateFullyAndStartAt). A follower's high watermark goes
/// through <see cref="AdvanceHighWatermark"/> with the leader's (capped at the log end, forward
/// only); only a truncation lowers it.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// A follower's append: the leader's RecordBatch v2 bytes in <paramref name="batches"/> (one or
    /// more, back to back, as a fetch returned them) are stored verbatim: base offsets, partition
    /// leader epochs and timestamps as the leader wrote them. Checked like <see cref="AppendAsync"/>
    /// (framing, CRC-32C, batch size, codec: <see cref="InvalidRecordBatchException"/>) but not by the
    /// producer rules, which a leader's log need not meet (control, LogAppendTime and cleaned batches).
    /// Offsets must increase from batch to batch and the first batch must start at or after the
    /// <see cref="LogEndOffset"/> when the writer takes the append; gaps (a compacted leader) are kept,
    /// and the log then ends after the last batch. Otherwise the append fails with
    /// <see cref="UnexpectedAppendOffsetException"/> and nothing of it is stored. Same queue, write
    /// path, group commit and durability as <see cref="AppendAsync"/>; at commit every batch's epoch
    /// goes to <see cref="LeaderEpochs"/> and every idempotent batch to <see cref="Producers"/> (as
    /// recovery replays them), so the follower has both if it becomes leader.
    /// </summary>
    public ValueTask<AppendResult> AppendReplicatedAsync(ReadOnlySpan<byte> batches)
    {
        ThrowIfUnusable();
        if (CheckReplicated(batches, out var baseOffset, out var lastOffset) is { } refused)
        {
            return ValueTask.FromException<AppendResult>(refused);
        }

        var pending = PendingAppend.Replicated(_cache.Copy(batches), baseOffset, lastOffset);
        Enqueue(pending);
        return pending.Task;
    }

    /// <summary>
    /// Where the log will end once the follower appends queued or being written now are committed
    /// (the <see cref="LogEndOffset"/> when none is pending). A follower elected leader starts its
    /// leader epoch there, not at its log end: those batches commit before any of its own.
    /// </summary>
    public long ReplicatedEndOffset
    {
        get
        {
            var end = LogEndOffset;
            foreach (var append in _queue.OfType<PendingAppend>().Concat(_flush).Where(a => a.IsReplicated))
            {
                end = Math.Max(end, append.LastOffset + 1);
            }

            return end;
        }
    }

    /// <summary>
    /// Kafka's truncateTo for a follower whose log diverged from its leader's: in the writer loop,
    /// after everything queued before it, removes every batch whose last offset is at or after
    /// <paramref name="offset"/>. A batch that <paramref name="offset"/> falls inside goes whole, and
    /// the log then ends at that batch's base offset; otherwise it ends at <paramref name="offset"/>
    /// (after a compacted gap, past its last batch). Nothing happens when <paramref name="offset"/> is
    /// at or past the <see cref="LogEndOffset"/>. Whole segments past it are deleted, the one holding
    /// it is cut at the batch boundary and becomes the active segment. The high watermark and the
    /// durable end are capped at the new end; the tail cache, leader epochs and producer state follow
    /// the log. When nothing at or after the LogStartOffset would remain (<paramref name="offset"/> below
    /// it, or below the first segment), the log starts over at <paramref name="offset"/> as
    /// <see cref="TruncateFullyAndStartAtAsync"/> does.
    /// </summary>
    public Task TruncateToAsync(long offset)
    {
        ThrowIfUnusable();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return RunExclusiveAsync(async () =>
        {
            if (offset >= LogEndOffset)
            {
                return;
            }

            var (segment, position, end) = await FindTruncationPointAsync(offset);
            if (segment < 0 || end < LogStartOffset)
            {
                await StartOverAsync(offset);
            }
            else
            {
                await TruncateAtAsync(segment, position, end);
            }
        });
    }

    /// <summary>
    /// Kafka's truncateFullyAndStartAt: in the writer loop, after everything queued before it, deletes
    /// every segment and starts an empty log at <paramref name="offset"/>, which becomes the
    /// LogStartOffset, the <see cref="LogEndOffset"/> and the high watermark (a follower whose fetch
    /// position is outside the leader's log, e.g. below its log start). Leader epochs and producer
    /// state are forgotten with the batches.
    /// </summary>
    public Task TruncateFullyAndStartAtAsync(long offset)
    {
        ThrowIfUnusable();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return RunExclusiveAsync(() => StartOverAsync(offset));
    }

    /// <summary>
    /// Null when <paramref name="batches"/> may be appended as a follower's: whole batches with valid
    /// framing and CRC-32C, within the batch size limit, a known codec, consistent offset deltas, base
    /// offsets that increase from batch to batch and a span that fits a segment's relative offsets.
    /// The producer rules of <see cref="RecordBatchValidator.ValidateForAppend"/> are left out on
    /// purpose: the leader applied them to what producers sent, and its log also holds what they
    /// refuse (control batches, LogAppendTime stamps, batches the cleaner thinned or emptied);
    /// so is the keyless-record check of compacted topics.
    /// </summary>
    private Exception? CheckReplicated(ReadOnlySpan<byte> batches, out long baseOffset, out long lastOffset)
    {
        baseOffset = lastOffset = -1;
        if (batches.IsEmpty)
        {
            return new InvalidRecordBatchException(new RecordBatchValidation(RecordBatchError.Empty, 0, 0, 0));
        }

        for (var index = 0; !batches.IsEmpty; index++)
        {
            var error = CheckReplicatedBatch(batches, _options.MaxBatchBytes, out var size);
            if (error != RecordBatchError.None)
            {
                return new InvalidRecordBatchException(new RecordBatchValidation(error, index, index, 0));
            }

            var header = RecordBatchHeader.Read(batches);
            if (header.BaseOffset <= lastOffset || header.BaseOffset < 0)
            {
                return new UnexpectedAppendOffsetException(header.BaseOffset, lastOffset + 1, Directory);
            }

            baseOffset = index == 0 ? header.BaseOffset : baseOffset;
            lastOffset = header.LastOffset;
            batches = batches[size..];
        }

        return lastOffset - baseOffset > int.MaxValue
            ? new UnexpectedAppendOffsetException(lastOffset, baseOffset + int.MaxValue, $"{Directory}: one append spans more offsets than a segment can index")
            : null;
    }

    private static RecordBatchError CheckReplicatedBatch(ReadOnlySpan<byte> data, int maxBatchBytes, out int size)
    {
        size = 0;
        if (data.Length >= RecordBatchHeader.LogOverhead && RecordBatchHeader.ReadTotalSize(data) > maxBatchBytes)
        {
            return RecordBatchError.BatchTooLarge;
        }

        var error = RecordBatchHeader.CheckStructure(data, out size);
        if (error != RecordBatchError.None)
        {
            return error;
        }

        var header = RecordBatchHeader.Read(data);
        if ((int)header.CompressionCodec > RecordBatchHeader.MaxCompressionCodec)
        {
            return RecordBatchError.UnknownCompressionCodec;
        }

        // The cleaner leaves fewer records than offsets (or none: a producer's last batch), never more.
        return header.LastOffsetDelta < 0 || header.RecordCount < 0 || (long)header.RecordCount > (long)header.LastOffsetDelta + 1
            ? RecordBatchError.InconsistentLastOffsetDelta
            : RecordBatchError.None;
    }

    /// <summary>
    /// The writer's check of a replicated append before it is taken at <paramref name="next"/> (the
    /// log end, or the end of the appends already gathered): one starting below it would write over
    /// offsets the log holds, so it is dequeued and failed, and nothing of it is stored.
    /// </summary>
    private bool RefuseHeadIfBehind(long next)
    {
        if (_queue.Peek() is not PendingAppend { IsReplicated: true } pending || pending.BaseOffset >= next)
        {
            return false;
        }

        _queue.Dequeue();
        pending.Fail(new UnexpectedAppendOffsetException(pending.BaseOffset, next, Directory));
        return true;
    }

    /// <summary>What the log derives from a committed replicated append's batch headers: every epoch (a fetch may span several) and every idempotent batch.</summary>
    private void RecordReplicatedBatches(ReadOnlySpan<byte> batches)
    {
        while (!batches.IsEmpty)
        {
            var header = RecordBatchHeader.Read(batches);
            _epochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
            Producers.Replay(header);
            batches = batches[header.TotalSize..];
        }
    }

    /// <summary>
    /// Where a truncation to <paramref name="offset"/> (below the log end) cuts: the index of the first
    /// segment with offsets at or after it (-1 when <paramref name="offset"/> is below the first
    /// segment), the position there of its first batch ending at or after <paramref name="offset"/>
    /// (the segment's size when the cleaner left none), and the end offset the log then has.
    /// </summary>
    private async ValueTask<(int Segment, long Position, long EndOffset)> FindTruncationPointAsync(long offset)
    {
        var at = _segments.FindIndex(s => s.NextOffset > offset);
        var segment = _segments[at];
        if (offset < segment.BaseOffset)
        {
            return (-1, 0, offset);
        }

        var (_, indexed) = segment.Indexer.Offsets.Lookup(offset);
        var (position, cut) = await segment.FindBatchAsync(_io, indexed, segment.Size, (h, _) => h.LastOffset >= offset);
        return (at, position, cut is { } header ? Math.Min(offset, header.BaseOffset) : offset);
    }

    /// <summary>
    /// Cuts the log at <paramref name="position"/> of segment <paramref name="at"/>, where it will end
    /// at <paramref name="endOffset"/>. The order is what makes a kill -9 at any point safe: recovery
    /// then finds the log as it was, or a prefix of it, or as truncated, and never a truncated batch
    /// behind a kept one:
    /// <list type="number">
    /// <item>the producer snapshot and the cleaner checkpoint stop describing offsets past the new end
    /// (the snapshot is deleted, the checkpoint rewritten), or a restart would rebuild producer state
    /// from truncated batches, or call new batches clean;</item>
    /// <item>the segments after the cut one are unlinked, last first (each step leaves a prefix), and
    /// the directory fsync'ed, before the cut: a restart that still found one would trust it as a closed
    /// segment (closed segments are trusted by their files, and end where the next one starts);</item>
    /// <item>the log's state in memory moves to the new end at once, so reads never reach bytes being
    /// cut; then the cut: ftruncate at the batch boundary, fdatasync (the kept bytes are durable too).
    /// The partition checkpoint on disk still names the old active segment: either it was unlinked,
    /// and recovery scans every segment whole, or it is this one, whose checkpointed position is past
    /// the new file length or whose index files no longer match, and recovery scans it from the start;
    /// a position at or below the cut resumes there. So the checkpoint never vouches for cut bytes;</item>
    /// <item>the kept part is scanned again (indexes rebuilt from it, every batch checked) into the new
    /// active segment, whose appender starts at the cut with its partial last block read back;</item>
    /// <item>a checkpoint names the cut segment and the new end (leader epochs saved before it).</item>
    /// </list>
    /// </summary>
    private async ValueTask TruncateAtAsync(int at, long position, long endOffset)
    {
        var segment = _segments[at];
        var later = _segments.GetRange(at + 1, _segments.Count - at - 1);
        Log($"truncating to offset {endOffset}: segment {segment.BaseOffset} cut at byte {position}, {later.Count} later segment(s) deleted");
        await ForgetDerivedStateFromAsync(endOffset, ProducerStateSnapshot.Load(Directory) is { } snapshot && snapshot.EndOffset > endOffset);
        await UnlinkAsync(later);

        foreach (var gone in later)
        {
            gone.Dispose();
        }

        _segments.RemoveRange(at + 1, later.Count);
        segment.SetRecoveredEnd(position, endOffset);
        _cache.TruncateFrom(endOffset);
        _epochs.TruncateFromEnd(endOffset);
        _highWatermark = Math.Min(_highWatermark, endOffset);
        DurableEndOffset = Math.Min(DurableEndOffset, endOffset);
        _corrupt.RemoveAll(r => r.FirstOffset >= endOffset);
        _checkpointDirty = true;
        try
        {
            await segment.TrimLogFileAsync(_io);
            MarkDurable(endOffset);
            _segments[at] = await ReopenCutSegmentAsync(segment);
        }
        catch (Exception error)
        {
            // The cut segment's appender no longer matches its file: nothing may be written through it.
            Fault(error);
            throw;
        }

        await WriteCheckpointAsync(clean: false);
        Producers.Clear();
        await RestoreProducerStateAsync();
    }

    /// <summary>
    /// The cut segment as the new active one: its batches scanned again up to its new size (indexes
    /// rebuilt, every batch checked), its index files written afresh, and an appender at its end.
    /// The old object is disposed (reads holding its descriptor finish on it).
    /// </summary>
    private async ValueTask<LogSegment> ReopenCutSegmentAsync(LogSegment cut)
    {
        var fresh = LogSegment.Open(Directory, cut.BaseOffset, new SegmentIndexer(cut.BaseOffset, _options.IndexIntervalBytes), 0, 0, cut.OpenedUnixMs);
        try
        {
            var scanner = new LogScanner(0, cut.BaseOffset, fresh.Indexer, allowGaps: true);
            await FeedAsync(scanner, fresh.ReadHandle, cut.Size, _io);
            if (scanner.Stop != ScanStop.EndOfData || scanner.Position != cut.Size)
            {
                throw new IOException($"{cut.LogPath}: the part kept by a truncation fails its check at byte {scanner.Position} ({scanner.Stop} {scanner.StopError})");
            }

            fresh.SetRecoveredEnd(cut.Size, cut.NextOffset);
            cut.Dispose();
            TruncateIndexFiles(Directory, cut.BaseOffset);
            fresh.StartAppending(_io, _options);
            return fresh;
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes every segment and starts an empty one at <paramref name="offset"/>. Crash-safe order:
    /// the producer snapshot and cleaner checkpoint go first (as in <see cref="TruncateAtAsync"/>); every
    /// segment is unlinked, last first, and the directory fsync'ed before the new segment is created,
    /// so a restart never finds old segments beside the new one (it finds the old log, a prefix of it,
    /// no segment at all, which opens empty at the checkpoint's end, or the new empty segment, whose
    /// base then caps the checkpoint's LogStartOffset at open); the checkpoint naming the new segment comes last.
    /// </summary>
    private async ValueTask StartOverAsync(long offset)
    {
        Log($"starting the log over at offset {offset}: {_segments.Count} segment(s) deleted");
        await ForgetDerivedStateFromAsync(offset, ProducerStateSnapshot.Load(Directory) is not null);
        var old = _segments.ToList();
        await UnlinkAsync(old);

        var now = _options.UnixTimeMs();
        var fresh = LogSegment.Open(Directory, offset, new SegmentIndexer(offset, _options.IndexIntervalBytes), 0, offset, now);
        try
        {
            fresh.StartAppending(_io, _options);
        }
        catch (Exception error)
        {
            // The old segments are unlinked: there is no log to go on with until a reopen.
            fresh.Dispose();
            Fault(error);
            throw;
        }

        foreach (var segment in old)
        {
            segment.Dispose();
        }

        _segments.Clear();
        _segments.Add(fresh);
        LogStartOffset = offset;
        _cache.Clear();
        _epochs.TruncateFromEnd(0);
        _highWatermark = offset;
        DurableEndOffset = offset;
        _corrupt.Clear();
        Producers.Clear();
        _checkpointDirty = true;
        await _io.DataSyncAsync(_directoryHandle);
        await WriteCheckpointAsync(clean: false);
    }

    /// <summary>
    /// Step one of a truncation to <paramref name="endOffset"/>: the producer snapshot (when
    /// <paramref name="dropSnapshot"/>: it reflects batches at or past the end) is deleted and the cleaner
    /// checkpoint capped there, before any batch goes (the directory fsync of <see cref="UnlinkAsync"/>
    /// makes the deletion durable).
    /// </summary>
    private async ValueTask ForgetDerivedStateFromAsync(long endOffset, bool dropSnapshot)
    {
        if (dropSnapshot)
        {
            File.Delete(Path.Combine(Directory, ProducerStateSnapshot.FileName));
        }

        var cleaner = _cleanerCheckpoint.TruncatedTo(endOffset);
        if (!ReferenceEquals(cleaner, _cleanerCheckpoint))
        {
            await Task.Run(() => cleaner.Save(Directory));
            _cleanerCheckpoint = cleaner;
        }
    }

    /// <summary>
    /// Unlinks <paramref name="segments"/>' files, last first (each step leaves a prefix of the log),
    /// and makes that durable. The segments stay open, so reads go on meanwhile; the caller disposes them.
    /// </summary>
    private async ValueTask UnlinkAsync(List<LogSegment> segments)
    {
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            segments[i].DeleteFiles();
        }

        await _io.DataSyncAsync(_directoryHandle);
    }
}
