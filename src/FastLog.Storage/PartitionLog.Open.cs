using System.Buffers;
using FastLog.Core;
using FastLog.Storage.Index;
using FastLog.Storage.IO;
using FastLog.Storage.Recovery;

namespace FastLog.Storage;

/// <summary>Opening a partition directory: recovery per <see cref="RecoveryPlanner"/>.</summary>
public sealed partial class PartitionLog
{
    private const int ScanChunkBytes = 1 << 20;

    /// <summary>
    /// Opens (or creates) the partition log in <paramref name="directory"/> on the current shard,
    /// which then owns it. After a clean close nothing is scanned; after a crash the tail after
    /// the last checkpoint is verified batch by batch (length, CRC-32C, offsets) and the log is
    /// truncated at the first torn or corrupt batch, with indexes rebuilt.
    /// </summary>
    public static ValueTask<PartitionLog> OpenAsync(string directory, StorageOptions? options = null) =>
        OpenAsync(directory, options ?? new StorageOptions(), ShardStorageIo.ForCurrentShard());

    internal static async ValueTask<PartitionLog> OpenAsync(string directory, StorageOptions options, IStorageIo io)
    {
        System.IO.Directory.CreateDirectory(directory);
        var directoryHandle = NativeFile.Open(directory, NativeOpenFlags.ReadOnly);
        var checkpointFile = NativeFile.Open(Path.Combine(directory, SegmentFileNames.CheckpointFileName), NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);
        var segments = new List<LogSegment>();
        try
        {
            var checkpoint = ReadCheckpoint(checkpointFile);

            // Both slots reserved once, so checkpoint writes never need new space (disk full).
            io.Allocate(checkpointFile, 0, PartitionCheckpoint.FileSize, keepSize: false);
            var plan = RecoveryPlanner.Plan(SegmentFileNames.SegmentBaseOffsets(System.IO.Directory.EnumerateFiles(directory)), checkpoint);
            var now = options.UnixTimeMs();
            var report = options.Log is { } log ? (Action<string>)(m => log($"{directory}: {m}")) : null;
            var scannedTail = false;
            long scannedBytes = 0;
            for (var i = 0; i < plan.Count; i++)
            {
                var step = plan[i];
                if (segments.Count > 0 && step.BaseOffset != segments[^1].NextOffset)
                {
                    DeleteFrom(directory, plan, i, segments[^1].NextOffset, report);
                    break;
                }

                var nextBase = i + 1 < plan.Count ? plan[i + 1].BaseOffset : -1;
                var (segment, scanned) = await RecoverSegmentAsync(directory, step, nextBase, options, io, now, report);
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
            }

            var logStart = Math.Max(checkpoint?.LogStartOffset ?? 0, segments[0].BaseOffset);
            var partition = new PartitionLog(directory, options, io, segments, logStart, directoryHandle, checkpointFile, checkpoint?.Sequence ?? 0)
            {
                BytesScannedAtOpen = scannedBytes,
            };
            await io.DataSyncAsync(directoryHandle);

            // Clears the clean flag (a crash from now on must scan) and records the recovered end.
            await partition.WriteCheckpointAsync(clean: false);
            partition.ArmHousekeepingTimer();
            report?.Invoke($"opened: offsets [{partition.LogStartOffset}, {partition.HighWatermark}), {segments.Count} segment(s), "
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

    private static PartitionCheckpoint? ReadCheckpoint(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        var bytes = new byte[PartitionCheckpoint.FileSize];
        var length = (int)Math.Min(RandomAccess.GetLength(file), bytes.Length);
        LogSegment.ReadExactly(file, bytes.AsSpan(0, length), 0);
        return PartitionCheckpoint.ReadLatest(bytes.AsSpan(0, length));
    }

    /// <summary>Loads or scans one segment per its plan step; returns it and whether it was scanned.</summary>
    private static async ValueTask<(LogSegment Segment, bool Scanned)> RecoverSegmentAsync(
        string directory, SegmentRecovery step, long nextBase, StorageOptions options, IStorageIo io, long now, Action<string>? report)
    {
        var baseOffset = step.BaseOffset;
        var fileLength = new FileInfo(SegmentFileNames.Log(directory, baseOffset)).Length;
        if (step.Action == SegmentRecoveryAction.Trusted)
        {
            var indexer = LoadIndexes(directory, baseOffset, options, int.MaxValue, int.MaxValue, nextBase, fileLength);
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
                return (await ScanAsync(segment, step.ResumePosition, step.ResumeNextOffset, fileLength, io, report), true);
            }

            report?.Invoke($"index files of segment {baseOffset} do not match the checkpoint; rebuilding them");
        }

        var fresh = LogSegment.Open(directory, baseOffset, new SegmentIndexer(baseOffset, options.IndexIntervalBytes), 0, 0, now);
        TruncateIndexFiles(directory, baseOffset);
        return (await ScanAsync(fresh, 0, baseOffset, fileLength, io, report), true);
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
    /// segment object covering exactly the valid prefix (its indexer fed on the way).
    /// </summary>
    private static async ValueTask<LogSegment> ScanAsync(
        LogSegment opened, long position, long nextOffset, long fileLength, IStorageIo io, Action<string>? report)
    {
        var scanner = new LogScanner(position, nextOffset, opened.Indexer);
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

                var want = (int)Math.Min(buffer.Length, fileLength - at);
                var filled = 0;
                while (filled < want)
                {
                    var read = await io.ReadAsync(opened.ReadHandle, buffer.AsMemory(filled, want - filled), at + filled);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                }

                // A short read means the file ended early: treat what was read as all there is.
                scanner.Scan(buffer.AsSpan(0, filled), filled < want ? filled : fileLength - at);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (scanner.Stop is not (ScanStop.EndOfData or ScanStop.ZeroFill))
        {
            report?.Invoke($"segment {opened.BaseOffset}: valid data ends at byte {scanner.Position} (offset {scanner.NextOffset}): "
                + $"{scanner.Stop} {scanner.StopError}; truncating there");
        }

        opened.SetRecoveredEnd(scanner.Position, scanner.NextOffset);
        return opened;
    }

    /// <summary>
    /// Deletes segments from plan step <paramref name="from"/> on: they do not continue the log
    /// (the one before was truncated by recovery, or files are missing). Loud: this discards data
    /// that was never acknowledged if the log is healthy, and data after real corruption if not.
    /// </summary>
    private static void DeleteFrom(string directory, List<SegmentRecovery> plan, int from, long expected, Action<string>? report)
    {
        for (var i = from; i < plan.Count; i++)
        {
            var baseOffset = plan[i].BaseOffset;
            report?.Invoke($"CORRUPTION or torn roll: segment {baseOffset} does not continue the log at offset {expected}; deleting it");
            File.Delete(SegmentFileNames.Log(directory, baseOffset));
            TruncateIndexFiles(directory, baseOffset);
        }
    }
}
