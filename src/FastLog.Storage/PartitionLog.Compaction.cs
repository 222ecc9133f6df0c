using System.Diagnostics;
using FastLog.Core;
using FastLog.Records;
using FastLog.Storage.Compaction;
using FastLog.Storage.Index;
using FastLog.Storage.Policy;

namespace FastLog.Storage;

/// <summary>
/// Log compaction (cleanup.policy=compact), Kafka's log cleaner on the owner shard. A pass, when
/// <see cref="CleaningPlan"/> says the partition is due (checked every log.cleaner.backoff.ms by
/// housekeeping), runs beside the writer loop, never in it:
/// <list type="number">
/// <item>maps the dirty section (from the first dirty offset over the cleanable segments) into an
/// <see cref="OffsetMap"/> of fixed size; when the map fills, the pass ends its dirty section at the
/// last whole batch mapped and the next pass goes on from there;</item>
/// <item>rewrites every cleanable segment that starts below the mapped end into
/// <c>.cleaned</c> files beside it (<see cref="BatchCleaner"/> rules), fdatasync'ed with fresh indexes;</item>
/// <item>swaps each cleaned segment in (<see cref="CleanerSwap"/>) as a short writer-loop operation
/// (renames and a directory fsync on the thread pool), so it never interleaves with a roll,
/// retention or close;</item>
/// <item>records the mapped end and the pass time in <see cref="CleanerCheckpoint"/>.</item>
/// </list>
/// Both passes read <see cref="CompactionOptions.SliceBytes"/> at a time through the io_uring, process
/// each slice (decompression, filtering, compression) on the thread pool while the shard serves
/// everything else, and yield the shard between slices: the shard itself only issues the reads,
/// writes and swaps. One pass at a time per shard
/// (<see cref="t_shardCleaning"/>): memory is one map per shard. A failed pass is reported and
/// retried after the backoff; its cleaned files are deleted (or, after a crash, by the next open).
/// Threads: the owner shard only, like everything in <see cref="PartitionLog"/>.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>Whether a cleaning pass runs on this thread (shard): one at a time bounds the cleaner's memory to one map per shard.</summary>
    [ThreadStatic]
    private static bool t_shardCleaning;

    private CleanerCheckpoint _cleanerCheckpoint = CleanerCheckpoint.Empty;
    private bool _cleaning;

    // Whether the last pass kept tombstones for delete.retention.ms, and the horizon it used: once the
    // horizon moves past it, a pass runs even with nothing dirty, to remove them (as Kafka's cleaner
    // does for expired delete horizons). Unknown after open: one such pass runs once a pass recorded
    // in cleaner.checkpoint is older than delete.retention.ms.
    private bool _tombstonesPending = true;
    private long _lastTombstoneHorizon;
    private long _lastCleanCheckMs;

    /// <summary>Completed cleaning passes since open.</summary>
    public long CleanerRuns { get; private set; }

    /// <summary>Log bytes the cleaner has read and rewritten since open.</summary>
    public long CleanerBytesCleaned { get; private set; }

    /// <summary>Records (superseded values and expired tombstones) the cleaner has removed since open.</summary>
    public long CleanerRecordsRemoved { get; private set; }

    /// <summary>Time spent in cleaning passes since open (wall clock, slices and waits included).</summary>
    public TimeSpan CleanerTime { get; private set; }

    /// <summary>Unix ms when the last pass ended (-1: none since open).</summary>
    public long LastCleanUnixMs { get; private set; } = -1;

    /// <summary>The first offset not yet mapped by a cleaning pass (Kafka's first dirty offset).</summary>
    public long FirstDirtyOffset => Math.Max(_cleanerCheckpoint.FirstDirtyOffset, LogStartOffset);

    /// <summary>Dirty bytes / cleanable bytes now (0 for a topic that is not compacted).</summary>
    public double DirtyRatio => _options.Compaction is { } compaction ? Plan(compaction, _options.UnixTimeMs()).DirtyRatio : 0;

    /// <summary>The cleaner's figures now; null for a topic that is not compacted (owner shard only: the dirty ratio reads the segment list).</summary>
    public CleanerStatus? CleanerStatus =>
        _options.Compaction is null ? null : new CleanerStatus(DirtyRatio, CleanerRuns, CleanerBytesCleaned, CleanerRecordsRemoved, CleanerTime, LastCleanUnixMs);

    /// <summary>
    /// Runs a cleaning pass now if anything is dirty and cleanable, whatever the dirty ratio and the
    /// backoff (tests, and operators forcing a pass); returns false when there was nothing to do, the
    /// topic is not compacted, or another pass runs on this shard.
    /// </summary>
    public Task<bool> CompactNowAsync()
    {
        ThrowIfUnusable();
        return _options.Compaction is { } compaction ? CleanAsync(compaction, force: true) : Task.FromResult(false);
    }

    /// <summary>Housekeeping's check (in the writer loop): starts a pass beside the writer when one is due.</summary>
    private void MaybeStartCleaning(long now)
    {
        if (_options.Compaction is not { } compaction || _cleaning || now - _lastCleanCheckMs < (long)compaction.Backoff.TotalMilliseconds)
        {
            return;
        }

        _lastCleanCheckMs = now;
        _ = CleanAsync(compaction, force: false);
    }

    private CleaningPlan.Verdict Plan(CompactionOptions compaction, long now)
    {
        var summaries = new SegmentSummary[_segments.Count];
        for (var i = 0; i < summaries.Length; i++)
        {
            summaries[i] = _segments[i].Summary;
        }

        return CleaningPlan.Evaluate(summaries, FirstDirtyOffset, HighWatermark, compaction, now);
    }

    private async Task<bool> CleanAsync(CompactionOptions compaction, bool force)
    {
        var now = _options.UnixTimeMs();
        var plan = Plan(compaction, now);
        var horizon = _cleanerCheckpoint.TombstoneHorizon(now, (long)compaction.DeleteRetention.TotalMilliseconds);
        var tombstonesDue = _tombstonesPending && horizon > _lastTombstoneHorizon && plan.CleanableSegments > 0 && FirstDirtyOffset > LogStartOffset;
        if (_cleaning || t_shardCleaning || (plan.DirtyBytes == 0 && !tombstonesDue) || (!force && !plan.Due && !tombstonesDue))
        {
            return false;
        }

        _cleaning = t_shardCleaning = true;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var segments = _segments.GetRange(0, plan.CleanableSegments);
            // Sized to the dirty section (a key per 8 dirty bytes at most is generous for real records),
            // capped by the shard's share: a small topic does not allocate the whole buffer.
            var map = new OffsetMap((int)Math.Min(compaction.OffsetMapBytes, Math.Max(1 << 20, plan.DirtyBytes * 3)));
            var firstDirty = FirstDirtyOffset;
            var mapEnd = await MapDirtySectionAsync(segments, map, firstDirty, compaction);
            if (mapEnd <= firstDirty && plan.DirtyBytes > 0)
            {
                LogWarning($"cleaner: the offset map ({compaction.OffsetMapBytes} bytes, {map.MaxEntries} keys) cannot hold the keys of the batch at offset {firstDirty}; not cleaned");
                return false;
            }

            var cleaner = new BatchCleaner(map, mapEnd, horizon, _options.MaxDecompressedBytes);
            var lastOfProducers = Producers.Snapshot().Select(p => p.Batches.Count > 0 ? p.Batches.Max(b => b.LastOffset) : -1).ToHashSet();
            long before = 0, after = 0;
            var cleaned = 0;
            foreach (var segment in segments)
            {
                if (segment.BaseOffset >= mapEnd || _closed)
                {
                    break;
                }

                if (!_segments.Contains(segment) || _corrupt.Exists(r => r.SegmentBaseOffset == segment.BaseOffset))
                {
                    continue; // deleted by retention meanwhile, or known corrupt (never rewritten)
                }

                before += segment.Size;
                after += await CleanSegmentAsync(segment, cleaner, lastOfProducers, compaction.SliceBytes);
                cleaned++;
            }

            if (_closed)
            {
                return false;
            }

            var checkpoint = _cleanerCheckpoint.WithPass(mapEnd, now);
            await Task.Run(() => checkpoint.Save(Directory));
            _cleanerCheckpoint = checkpoint;
            (_tombstonesPending, _lastTombstoneHorizon) = (cleaner.TombstonesKept > 0, horizon);
            var elapsed = Stopwatch.GetElapsedTime(started);
            CleanerRuns++;
            CleanerBytesCleaned += before;
            CleanerRecordsRemoved += cleaner.RecordsRemoved;
            CleanerTime += elapsed;
            LastCleanUnixMs = _options.UnixTimeMs();
            _options.Metrics?.CleanerPassCompleted(before, before - after, cleaner.RecordsRemoved, elapsed);
            Log($"cleaner: {cleaned} segment(s) cleaned up to offset {mapEnd} ({map.Count} keys mapped): {before} -> {after} bytes, "
                + $"{cleaner.RecordsRemoved} records removed in {elapsed.TotalMilliseconds:F0} ms");
            return true;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or ObjectDisposedException or PartitionFaultedException)
        {
            // Nothing of the log changed unless a swap completed, and each swap is whole: try again later.
            if (!_closed)
            {
                LogWarning($"cleaner pass failed, will retry in {compaction.Backoff.TotalSeconds:F0} s: {error.Message}");
            }

            return false;
        }
        finally
        {
            _cleaning = t_shardCleaning = false;
        }
    }

    /// <summary>Pass one: maps the dirty section's keys; returns the offset the map covers up to (the end of the dirty section of this pass).</summary>
    private async ValueTask<long> MapDirtySectionAsync(List<LogSegment> segments, OffsetMap map, long firstDirty, CompactionOptions compaction)
    {
        var mapEnd = firstDirty;
        foreach (var segment in segments)
        {
            if (segment.NextOffset <= firstDirty)
            {
                continue;
            }

            var full = false;
            await ReadSegmentSlicesAsync(segment, compaction.SliceBytes, slice =>
            {
                foreach (var batch in Batches(slice))
                {
                    var header = RecordBatchHeader.Read(batch.Span);
                    if (header.LastOffset < firstDirty)
                    {
                        continue;
                    }

                    if (full || !BatchCleaner.Map(map, batch.Span, _options.MaxDecompressedBytes))
                    {
                        full = true;
                        return false;
                    }

                    mapEnd = header.LastOffset + 1;
                }

                return true;
            });
            if (full)
            {
                return mapEnd;
            }

            mapEnd = segment.NextOffset;
        }

        return mapEnd;
    }

    /// <summary>Pass two for one segment: writes it cleaned aside, then swaps it in; returns its new size.</summary>
    private async ValueTask<long> CleanSegmentAsync(LogSegment segment, BatchCleaner cleaner, HashSet<long> lastOfProducers, int sliceBytes)
    {
        var cleanedLog = segment.LogPath + CleanerSwap.CleanedSuffix;
        var indexer = new SegmentIndexer(segment.BaseOffset, _options.IndexIntervalBytes);
        long written = 0;
        try
        {
            using (var output = NativeFile.Open(cleanedLog, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate))
            {
                var pieces = new List<ReadOnlyMemory<byte>>();
                await ReadSegmentSlicesAsync(segment, sliceBytes, slice =>
                {
                    pieces.Clear();
                    foreach (var batch in Batches(slice))
                    {
                        var header = RecordBatchHeader.Read(batch.Span);
                        if (cleaner.Clean(batch, lastOfProducers.Contains(header.LastOffset)) is { } kept)
                        {
                            var keptHeader = RecordBatchHeader.Read(kept.Span);
                            indexer.OnBatch(keptHeader.BaseOffset, keptHeader.MaxTimestamp, checked((int)written), kept.Length);
                            pieces.Add(kept);
                            written += kept.Length;
                        }
                    }

                    return true;
                }, async () =>
                {
                    var at = written - pieces.Sum(p => (long)p.Length);
                    foreach (var piece in pieces)
                    {
                        await WriteFullyAsync(output, piece, at);
                        at += piece.Length;
                    }
                });
                await _io.DataSyncAsync(output);
            }

            indexer.CompleteTimeIndex();
            await WriteIndexAsync(segment.BaseOffset, SegmentFileNames.Index, indexer.Offsets);
            await WriteIndexAsync(segment.BaseOffset, SegmentFileNames.TimeIndex, indexer.Times);
            await RunExclusiveAsync(async () =>
            {
                var at = _segments.IndexOf(segment);
                if (at < 0 || at == _segments.Count - 1)
                {
                    CleanerSwap.Discard(Directory, segment.BaseOffset);
                    return;
                }

                await Task.Run(() => CleanerSwap.Commit(Directory, segment.BaseOffset));
                _segments[at] = LogSegment.Open(Directory, segment.BaseOffset, indexer, written, segment.NextOffset, segment.OpenedUnixMs);
                segment.Dispose();
                _cache.DropBefore(segment.NextOffset);
                if (_scrubSegment == segment.BaseOffset)
                {
                    (_scrubPosition, _scrubNextOffset, _scrubNeeded) = (0, segment.BaseOffset, 0);
                }
            });
            return written;
        }
        catch
        {
            CleanerSwap.Discard(Directory, segment.BaseOffset);
            throw;
        }
    }

    /// <summary>
    /// Feeds <paramref name="segment"/>'s batches to <paramref name="process"/> slice by slice (false:
    /// stop), running <paramref name="afterSlice"/> (the slice's writes) and yielding the shard
    /// between slices. The segment's file is leased meanwhile: retention may delete it.
    /// </summary>
    private async ValueTask ReadSegmentSlicesAsync(LogSegment segment, int sliceBytes, Func<ReadOnlyMemory<byte>, bool> process, Func<ValueTask>? afterSlice = null)
    {
        var leased = false;
        segment.ReadHandle.DangerousAddRef(ref leased);
        try
        {
            var reader = new SegmentSliceReader(_io, segment.ReadHandle, segment.Size, sliceBytes);
            while (!reader.AtEnd)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var slice = await reader.NextAsync();

                // Decompressing, filtering and compressing again run on the thread pool: a slice
                // holds at least one whole batch, and re-compressing a large one (about 15 ms per MiB
                // for gzip or zstd here) would otherwise stall every partition of the shard. Nothing
                // else touches the slice, the map or the cleaner meanwhile; the shard awaits.
                if (!await Task.Run(() => process(slice)))
                {
                    return;
                }

                if (afterSlice is not null)
                {
                    await afterSlice();
                }

                await YieldShardAsync();
            }
        }
        finally
        {
            segment.ReadHandle.DangerousRelease();
        }
    }

    /// <summary>Lets the shard run everything else that is ready (appends, fetches, other partitions) before the next slice.</summary>
    private Task YieldShardAsync()
    {
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _io.Post(static state => ((TaskCompletionSource)state!).SetResult(), resume);
        return resume.Task;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Batches(ReadOnlyMemory<byte> slice)
    {
        var at = 0;
        while (at < slice.Length)
        {
            var size = (int)RecordBatchHeader.ReadTotalSize(slice.Span[at..]);
            yield return slice.Slice(at, size);
            at += size;
        }
    }

    private async ValueTask WriteFullyAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, ReadOnlyMemory<byte> bytes, long position)
    {
        while (!bytes.IsEmpty)
        {
            var n = await _io.WriteAsync(file, bytes, position);
            if (n <= 0)
            {
                throw new IOException($"cleaned segment write made no progress at {position}");
            }

            bytes = bytes[n..];
            position += n;
        }
    }

    private async ValueTask WriteIndexAsync<TEntry>(long baseOffset, Func<string, long, string> name, SegmentIndex<TEntry> index)
        where TEntry : struct, IIndexEntry<TEntry>
    {
        var bytes = new byte[index.Count * TEntry.Size];
        index.WriteTo(bytes, 0);
        using var file = NativeFile.Open(name(Directory, baseOffset) + CleanerSwap.CleanedSuffix, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate);
        await WriteFullyAsync(file, bytes, 0);
        await _io.DataSyncAsync(file);
    }
}
