using System.Buffers;
using FastLog.Core;
using FastLog.Records;
using FastLog.Storage.Compaction;
using FastLog.Storage.Epochs;
using FastLog.Storage.Index;
using FastLog.Storage.IO;
using FastLog.Storage.Recovery;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage;

/// <summary>Opening a partition directory: recovery per <see cref="RecoveryPlanner"/>.</summary>
public sealed partial class PartitionLog
{
    private const int ScanChunkBytes = 1 << 20;

    /// <summary>
    /// Opens (or creates) the partition log in <paramref name="directory"/> on the current shard,
    /// which then owns it. After a clean close nothing is scanned; after a crash the tail after
    /// the last checkpoint is verified batch by batch (length, CRC-32C, offsets) and the log is
    /// truncated at the first torn or corrupt batch, with indexes rebuilt. The leader epochs
    /// (<see cref="LeaderEpochs"/>) and the producer state (<see cref="Producers"/>) are rebuilt too
    /// before the log is returned.
    /// </summary>
    public static ValueTask<PartitionLog> OpenAsync(string directory, StorageOptions? options = null) =>
        OpenAsync(directory, options ?? new StorageOptions(), ShardStorageIo.ForCurrentShard());

    internal static async ValueTask<PartitionLog> OpenAsync(string directory, StorageOptions options, IStorageIo io)
    {
        System.IO.Directory.CreateDirectory(directory);
        var directoryHandle = NativeFile.Open(directory, NativeOpenFlags.ReadOnly);
        var checkpointFile = NativeFile.Open(Path.Combine(directory, SegmentFileNames.CheckpointFileName), NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);

        // A cleaning interrupted by a crash: finish a committed swap or drop the unfinished files, before the segments are listed.
        foreach (var repaired in CleanerSwap.Recover(directory))
        {
            (options.LogWarning ?? options.Log)?.Invoke($"{directory}: {repaired}");
        }

        var segments = new List<LogSegment>();
        try
        {
            var checkpoint = ReadCheckpoint(checkpointFile);

            // Both slots reserved once, so checkpoint writes never need new space (disk full).
            io.Allocate(checkpointFile, 0, PartitionCheckpoint.FileSize, keepSize: false);
            var plan = RecoveryPlanner.Plan(SegmentFileNames.SegmentBaseOffsets(System.IO.Directory.EnumerateFiles(directory)), checkpoint);
            var now = options.UnixTimeMs();
            var report = options.Log is { } log ? (Action<string>)(m => log($"{directory}: {m}")) : null;

            // Saved before every checkpoint: the batches a scan verifies add what the file lacks.
            var epochs = LoadLeaderEpochs(directory, report, out var rebuildEpochs);
            var scannedTail = false;
            long scannedBytes = 0;
            var damaged = new List<(CorruptRange Range, string Why)>();
            for (var i = 0; i < plan.Count; i++)
            {
                var step = plan[i];
                if (segments.Count > 0 && step.BaseOffset != segments[^1].NextOffset)
                {
                    QuarantineFrom(directory, plan, i, segments[^1], now, options);
                    break;
                }

                var nextBase = i + 1 < plan.Count ? plan[i + 1].BaseOffset : -1;
                var (segment, scanned) = await RecoverSegmentAsync(directory, step, nextBase, options, io, now, epochs, damaged, report);
                if (scannedTail)
                {
                    // The previous segment was scanned and turned out not to be the last (a crash
                    // during a roll): close it for good, as the roll would have.
                    await segments[^1].SealRecoveredAsync(io);
                }

                segments.Add(segment);
                scannedTail = scanned;
                scannedBytes += scanned ? segment.Size - (step.Action == SegmentRecoveryAction.ScanFromCheckpoint ? step.ResumePosition : 0) : 0;
            }

            if (segments.Count == 0)
            {
                var start = checkpoint is { } cp ? Math.Max(cp.LogStartOffset, cp.NextOffset) : 0;
                segments.Add(LogSegment.Open(directory, start, new SegmentIndexer(start, options.IndexIntervalBytes), 0, start, now));
            }

            var active = segments[^1];
            active.StartAppending(io, options);
            if (scannedTail)
            {
                // Whatever lies past the verified end (torn writes, stale blocks) must never be read back as data.
                active.Appender!.DiscardBeyondEnd();

                // The verified tail was read back, not necessarily synced before the crash: make it
                // durable before the checkpoint (and DurableEndOffset) say it is.
                await io.DataSyncAsync(active.ReadHandle);
            }

            // Never past the log end: a crash while a follower started its log over below the old
            // LogStartOffset (TruncateFullyAndStartAtAsync) leaves the new, empty segment and the old checkpoint.
            var logStart = Math.Min(Math.Max(checkpoint?.LogStartOffset ?? 0, segments[0].BaseOffset), active.NextOffset);
            var highWatermark = checkpoint?.HighWatermark ?? PartitionCheckpoint.NoHighWatermark;
            var partition = new PartitionLog(directory, options, io, segments, logStart, highWatermark, epochs, directoryHandle, checkpointFile, checkpoint?.Sequence ?? 0)
            {
                BytesScannedAtOpen = scannedBytes,
                _cleanerCheckpoint = CleanerCheckpoint.Load(directory),
            };
            if (rebuildEpochs)
            {
                await partition.RebuildLeaderEpochsAsync();
            }

            // Entries past a truncated tail (saved before the crash) or below the LogStartOffset go.
            epochs.TruncateFromEnd(partition.LogEndOffset);
            epochs.TruncateFromStart(logStart);
            await io.DataSyncAsync(directoryHandle);

            // Clears the clean flag (a crash from now on must scan) and records the recovered end (and epochs).
            await partition.WriteCheckpointAsync(clean: false);
            await partition.RestoreProducerStateAsync();
            partition.ArmHousekeepingTimer();
            foreach (var (range, why) in damaged)
            {
                partition.MarkCorrupt(range, why);
            }

            partition.StartScrub();
            report?.Invoke($"opened: offsets [{partition.LogStartOffset}, {partition.LogEndOffset}), {segments.Count} segment(s), "
                + (partition.IsDirectIo ? "O_DIRECT" : "buffered") + " writes");
            return partition;
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Dispose();
            }

            checkpointFile.Dispose();
            directoryHandle.Dispose();
            throw;
        }
    }

    private static PartitionCheckpoint? ReadCheckpoint(SafeFileHandle file)
    {
        var bytes = new byte[PartitionCheckpoint.FileSize];
        var length = (int)Math.Min(RandomAccess.GetLength(file), bytes.Length);
        LogSegment.ReadExactly(file, bytes.AsSpan(0, length), 0);
        return PartitionCheckpoint.ReadLatest(bytes.AsSpan(0, length));
    }

    /// <summary>
    /// Loads or scans one segment per its plan step; returns it and whether it was scanned. Scanned
    /// batches also go to <paramref name="epochs"/>.
    /// </summary>
    private static async ValueTask<(LogSegment Segment, bool Scanned)> RecoverSegmentAsync(
        string directory, SegmentRecovery step, long nextBase, StorageOptions options, IStorageIo io, long now, LeaderEpochCache epochs,
        List<(CorruptRange Range, string Why)> damaged, Action<string>? report)
    {
        var baseOffset = step.BaseOffset;
        var fileLength = new FileInfo(SegmentFileNames.Log(directory, baseOffset)).Length;
        if (step.Action == SegmentRecoveryAction.Trusted)
        {
            var indexer = LoadIndexes(directory, baseOffset, options, int.MaxValue, int.MaxValue, nextBase, fileLength);
            if (IndexFault(directory, baseOffset, indexer, fileLength) is { } fault)
            {
                return (await RebuildIndexesAsync(directory, baseOffset, nextBase, fileLength, fault, options, io, now, damaged), false);
            }

            var last = indexer.Times.Count > 0 ? indexer.Times.Last : new TimeIndexEntry(-1, 0);
            var closed = new SegmentIndexer(indexer.Offsets, indexer.Times, options.IndexIntervalBytes,
                new IndexerState(indexer.Offsets.Count, indexer.Times.Count, last.Timestamp, baseOffset + last.RelativeOffset, 0));
            return (LogSegment.Open(directory, baseOffset, closed, fileLength, nextBase, now), false);
        }

        SegmentIndexer resumed;
        if (step.Action != SegmentRecoveryAction.ScanAll && step.ResumePosition <= fileLength)
        {
            resumed = LoadIndexes(directory, baseOffset, options, step.ResumeIndexer.OffsetEntries, step.ResumeIndexer.TimeEntries,
                step.ResumeNextOffset, step.ResumePosition);
            if (resumed.Offsets.Count == step.ResumeIndexer.OffsetEntries && resumed.Times.Count == step.ResumeIndexer.TimeEntries)
            {
                resumed = new SegmentIndexer(resumed.Offsets, resumed.Times, options.IndexIntervalBytes, step.ResumeIndexer);
                if (step.Action == SegmentRecoveryAction.CleanTail)
                {
                    return (LogSegment.Open(directory, baseOffset, resumed, step.ResumePosition, step.ResumeNextOffset, now), false);
                }

                var segment = LogSegment.Open(directory, baseOffset, resumed, 0, 0, now);
                return (await ScanAsync(segment, step.ResumePosition, step.ResumeNextOffset, fileLength, io, epochs, nextBase < 0 ? options : null, now, report), true);
            }

            (options.LogWarning ?? options.Log)?.Invoke($"{directory}: index files of segment {baseOffset} do not match the checkpoint; rebuilding them from the log");
        }

        var fresh = LogSegment.Open(directory, baseOffset, new SegmentIndexer(baseOffset, options.IndexIntervalBytes), 0, 0, now);
        TruncateIndexFiles(directory, baseOffset);
        return (await ScanAsync(fresh, 0, baseOffset, fileLength, io, epochs, nextBase < 0 ? options : null, now, report), true);
    }

    private static SegmentIndexer LoadIndexes(
        string directory, long baseOffset, StorageOptions options, int offsetEntries, int timeEntries, long endOffset, long endPosition)
    {
        var offsets = OffsetIndex.Load(baseOffset, ReadAllOrEmpty(SegmentFileNames.Index(directory, baseOffset)), offsetEntries, endOffset < 0 ? long.MaxValue : endOffset, endPosition);
        var times = TimeIndex.Load(baseOffset, ReadAllOrEmpty(SegmentFileNames.TimeIndex(directory, baseOffset)), timeEntries, endOffset < 0 ? long.MaxValue : endOffset);
        return new SegmentIndexer(offsets, times, options.IndexIntervalBytes, IndexerState.Empty);
    }

    private static byte[] ReadAllOrEmpty(string path) => File.Exists(path) ? File.ReadAllBytes(path) : [];

    private static void TruncateIndexFiles(string directory, long baseOffset)
    {
        File.Delete(SegmentFileNames.Index(directory, baseOffset));
        File.Delete(SegmentFileNames.TimeIndex(directory, baseOffset));
    }

    /// <summary>
    /// Verifies the segment from <paramref name="position"/> to the end of its file and returns a
    /// segment object covering exactly the valid prefix (its indexer and <paramref name="epochs"/> fed on the way).
    /// For the last segment (<paramref name="lastSegmentOptions"/> given), a bad batch followed by a valid
    /// one is damage rather than a torn write: the cut tail goes to quarantine first (later segments
    /// do that in <see cref="QuarantineFrom"/>).
    /// </summary>
    private static async ValueTask<LogSegment> ScanAsync(
        LogSegment opened, long position, long nextOffset, long fileLength, IStorageIo io, LeaderEpochCache epochs,
        StorageOptions? lastSegmentOptions, long now, Action<string>? report)
    {
        // Gaps allowed, as in Kafka's recovery: a follower stores its leader's batches as they are,
        // and a compacted leader's offsets have holes. A batch still has to start past the one before
        // it; stale bytes past the end are zeroed (failed writes) or cut (truncation), never left.
        var scanner = new LogScanner(position, nextOffset, opened.Indexer, header => epochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset), allowGaps: true);
        await FeedAsync(scanner, opened.ReadHandle, fileLength, io);
        if (scanner.Stop is not (ScanStop.EndOfData or ScanStop.ZeroFill))
        {
            report?.Invoke($"segment {opened.BaseOffset}: valid data ends at byte {scanner.Position} (offset {scanner.NextOffset}): "
                + $"{scanner.Stop} {scanner.StopError}; truncating there");
            if (lastSegmentOptions is { } options && scanner.Stop is ScanStop.Corrupt or ScanStop.OffsetMismatch
                && await ValidBatchFollowsAsync(opened.ReadHandle, scanner.Position, fileLength, io))
            {
                var directory = Path.GetDirectoryName(opened.LogPath)!;
                var target = Quarantine.Move(directory, opened.BaseOffset, scanner.Position, [], now);
                (options.LogError ?? options.Log)?.Invoke($"{directory}: CORRUPTION: segment {opened.BaseOffset} fails its check at byte {scanner.Position} "
                    + $"({scanner.Stop} {scanner.StopError}) and valid batches follow: offsets from {scanner.NextOffset} on are out of service; "
                    + $"moved the rest of the segment to {target} (nothing deleted; recoverable by hand); the log continues at offset {scanner.NextOffset}");
            }
        }

        opened.SetRecoveredEnd(scanner.Position, scanner.NextOffset);
        return opened;
    }

    /// <summary>
    /// Whether a structurally valid batch (CRC-32C included) starts right after the bad one at
    /// <paramref name="position"/>, as its length field says: then the bad batch was most likely damaged
    /// in place rather than cut short by a crash, which leaves zeros or nothing after it (a crash inside
    /// one write can, rarely, leave a later block of it without an earlier one: the quarantined tail was
    /// then never acknowledged, and quarantining it costs nothing).
    /// </summary>
    private static async ValueTask<bool> ValidBatchFollowsAsync(SafeFileHandle file, long position, long fileLength, IStorageIo io)
    {
        var header = new byte[RecordBatchHeader.Size];
        if (position + header.Length > fileLength || await io.ReadAsync(file, header, position) < header.Length)
        {
            return false;
        }

        var next = position + RecordBatchHeader.ReadTotalSize(header);
        if (next <= position || next + header.Length > fileLength || await io.ReadAsync(file, header, next) < header.Length)
        {
            return false;
        }

        var size = RecordBatchHeader.ReadTotalSize(header);
        if (size < RecordBatchHeader.Size || next + size > fileLength || size > int.MaxValue)
        {
            return false;
        }

        var batch = new byte[size];
        return await io.ReadAsync(file, batch, next) == batch.Length && RecordBatchHeader.CheckStructure(batch, out _) == RecordBatchError.None;
    }

    /// <summary>
    /// Feeds the header of every batch from the one holding <paramref name="from"/> to the log end
    /// to <paramref name="onBatch"/>, in log order (opening: what a log derives from its batch
    /// headers). Segments are read in large chunks through the shard's io_uring.
    /// </summary>
    private async ValueTask ReplayBatchesAsync(long from, Action<RecordBatchHeader> onBatch, string what)
    {
        foreach (var segment in _segments)
        {
            if (segment.NextOffset <= from)
            {
                continue;
            }

            var (offset, position) = segment.Indexer.Offsets.Lookup(from);
            var scanner = new LogScanner(position, offset, indexer: null, header =>
            {
                if (header.LastOffset >= from)
                {
                    onBatch(header);
                }
            }, allowGaps: true);
            await FeedAsync(scanner, segment.ReadHandle, segment.Size, _io);
            if (scanner.Stop != ScanStop.EndOfData)
            {
                // Verified at open or when written: something changed the file since. Keep what is known.
                Log($"{what} replay of segment {segment.BaseOffset} stopped at offset {scanner.NextOffset}: {scanner.Stop} {scanner.StopError}");
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="file"/> from the scanner's position up to <paramref name="end"/> in
    /// large chunks (through the shard's io_uring) and feeds them to <paramref name="scanner"/>
    /// until it stops.
    /// </summary>
    private static async ValueTask FeedAsync(LogScanner scanner, SafeFileHandle file, long end, IStorageIo io)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ScanChunkBytes);
        try
        {
            while (scanner.Stop == ScanStop.None)
            {
                var at = scanner.Position;
                if (scanner.NeededBytes > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(scanner.NeededBytes);
                }

                var want = (int)Math.Min(buffer.Length, end - at);
                var filled = 0;
                while (filled < want)
                {
                    var read = await io.ReadAsync(file, buffer.AsMemory(filled, want - filled), at + filled);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                }

                // A short read means the file ended early: treat what was read as all there is.
                scanner.Scan(buffer.AsSpan(0, filled), filled < want ? filled : end - at);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Why the index files of a closed segment cannot be trusted (null when they can): missing, a
    /// size that is not a whole number of entries, entries that do not increase or point past the
    /// log (<see cref="LoadIndexes"/> stops at the first), or no entry for the first batch.
    /// </summary>
    private static string? IndexFault(string directory, long baseOffset, SegmentIndexer loaded, long fileLength)
    {
        var offsets = new FileInfo(SegmentFileNames.Index(directory, baseOffset));
        var times = new FileInfo(SegmentFileNames.TimeIndex(directory, baseOffset));
        if (!offsets.Exists || !times.Exists)
        {
            return "index file missing";
        }

        if (offsets.Length % OffsetIndexEntry.Size != 0 || times.Length % TimeIndexEntry.Size != 0)
        {
            return "index file size is not a whole number of entries";
        }

        if (loaded.Offsets.Count != offsets.Length / OffsetIndexEntry.Size || loaded.Times.Count != times.Length / TimeIndexEntry.Size)
        {
            return "index entries out of order or past the end of the log";
        }

        // The first batch sits at position 0; after cleaning, its offset may be past the segment's base.
        return fileLength > 0 && (loaded.Offsets.Count == 0 || loaded.Offsets.Entries[0].Position != 0)
            ? "offset index does not start at the first batch"
            : null;
    }

    /// <summary>
    /// Rebuilds a closed segment's indexes from its batches and writes them (trimmed, durable), as
    /// sealing would have. The log file itself is never cut here: if a batch fails its check, the
    /// segment keeps its length and offsets, is served up to the bad batch, and the rest of it
    /// becomes a <see cref="CorruptRange"/> (in <paramref name="damaged"/>); its index files stay as
    /// they were, so the next open checks it again.
    /// </summary>
    private static async ValueTask<LogSegment> RebuildIndexesAsync(
        string directory, long baseOffset, long nextBase, long fileLength, string fault, StorageOptions options, IStorageIo io, long now,
        List<(CorruptRange Range, string Why)> damaged)
    {
        var segment = LogSegment.Open(directory, baseOffset, new SegmentIndexer(baseOffset, options.IndexIntervalBytes), 0, 0, now);
        try
        {
            var scanner = new LogScanner(0, baseOffset, segment.Indexer, allowGaps: true);
            await FeedAsync(scanner, segment.ReadHandle, fileLength, io);
            segment.SetRecoveredEnd(fileLength, nextBase);
            if (scanner.Stop == ScanStop.EndOfData && scanner.NextOffset <= nextBase)
            {
                await segment.SealRecoveredAsync(io);
                (options.LogWarning ?? options.Log)?.Invoke(
                    $"{directory}: segment {baseOffset}: {fault}; rebuilt its index files from the log ({scanner.Batches} batches, {fileLength} bytes)");
            }
            else
            {
                damaged.Add((new CorruptRange(baseOffset, scanner.NextOffset, nextBase, scanner.Position, fileLength),
                    $"index rebuild ({fault}): {scanner.Stop} {scanner.StopError}"));
            }

            return segment;
        }
        catch
        {
            segment.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Segments from plan step <paramref name="from"/> on do not continue the log: the one before
    /// (<paramref name="last"/>) was cut by recovery at a torn or corrupt batch, or files are
    /// missing. Nothing is deleted: the cut tail of <paramref name="last"/> and those segments go to
    /// <see cref="Quarantine"/>, reported at error level with the offsets taken out of service, and
    /// the log continues from the cut (Kafka truncates there too). Serving up to the damage rather
    /// than keeping the later segments keeps the offsets contiguous: with a single copy, nothing
    /// can vouch for the offsets between the damage and the next segment.
    /// </summary>
    private static void QuarantineFrom(string directory, List<SegmentRecovery> plan, int from, LogSegment last, long now, StorageOptions options)
    {
        var moved = plan.Skip(from).Select(s => s.BaseOffset).ToList();
        var target = Quarantine.Move(directory, last.BaseOffset, last.Size, moved, now);
        (options.LogError ?? options.Log)?.Invoke($"{directory}: CORRUPTION: segment {last.BaseOffset} ends at byte {last.Size} (offset {last.NextOffset}) "
            + $"but segment(s) {string.Join(", ", moved)} follow it: offsets from {last.NextOffset} on are out of service; "
            + $"moved the rest of segment {last.BaseOffset} and those segments to {target} (nothing deleted; recoverable by hand); "
            + $"the log continues at offset {last.NextOffset}");
    }
}
