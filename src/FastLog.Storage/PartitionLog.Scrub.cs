using System.Buffers;
using FastLog.Records;
using FastLog.Storage.Recovery;

namespace FastLog.Storage;

/// <summary>
/// The background scrub and what it finds: closed segments are re-read slice by slice (at most
/// <see cref="ScrubBudget.SliceBytes"/> per slice, through the shard's io_uring, at the rate of the
/// shard's <see cref="ScrubBudget"/>) and every batch's length, structure, offsets and CRC-32C
/// checked, as recovery checks a tail. A batch that fails becomes a <see cref="CorruptRange"/>:
/// reported once at error level and to <see cref="IStorageMetrics.CorruptBatchFound"/>, and reads
/// reaching it fail with <see cref="CorruptLogException"/> instead of serving its bytes. The active
/// segment is not scrubbed: its batches were checked on the way in and recovery checks its tail.
/// Known-corrupt ranges live in memory: after a restart the scrub (or an index rebuild) finds them again.
/// Threads: runs on the owner shard like everything else here; a slice's read leases the segment
/// file, so retention may delete the segment meanwhile (the cursor then moves on).
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>How long a partition with no closed segment waits before it looks again (nothing to spend budget on).</summary>
    private static readonly TimeSpan ScrubIdleDelay = TimeSpan.FromSeconds(5);

    private readonly List<CorruptRange> _corrupt = [];

    // Scrub cursor: the segment being checked, the next batch's position and BaseOffset there.
    private long _scrubSegment = -1;
    private long _scrubPosition;
    private long _scrubNextOffset;
    private int _scrubNeeded;

    /// <summary>Byte ranges known to be corrupt on disk, in the order they were found.</summary>
    public IReadOnlyList<CorruptRange> CorruptRanges => _corrupt;

    /// <summary>Bytes the scrub has checked since open (all passes).</summary>
    public long BytesScrubbed { get; private set; }

    /// <summary>Completed scrub passes over the closed segments since open.</summary>
    public int ScrubPasses { get; private set; }

    private void StartScrub()
    {
        if (_options.Scrub is { } budget)
        {
            ScheduleScrub(budget.RetryDelay);
        }
    }

    private void ScheduleScrub(TimeSpan delay) =>
        _io.ScheduleTimer(delay, static state => _ = ((PartitionLog)state!).ScrubStepAsync(), this);

    private async Task ScrubStepAsync()
    {
        if (_closed || _fault is not null || _options.Scrub is not { } budget)
        {
            return;
        }

        TimeSpan delay;
        try
        {
            delay = await ScrubSliceAsync(budget);
        }
        catch (Exception error)
        {
            // A read that failed is not corruption (it may be the segment going away), and nothing
            // here may take the shard down: say so and try again later.
            LogWarning($"scrub slice failed, will retry: {error.Message}");
            delay = TimeSpan.FromSeconds(1);
        }

        if (!_closed && _fault is null)
        {
            ScheduleScrub(delay);
        }
    }

    /// <summary>
    /// Checks one slice of the closed segments; returns when to check the next: at once after a
    /// slice (after this loop turn's other work), later when the budget is spent or a pass ended,
    /// much later when there is no closed segment.
    /// </summary>
    private async ValueTask<TimeSpan> ScrubSliceAsync(ScrubBudget budget)
    {
        _corrupt.RemoveAll(r => r.EndOffset <= LogStartOffset);
        var segment = ScrubTarget();
        if (segment is null)
        {
            return _segments.Count > 1 ? budget.RetryDelay : ScrubIdleDelay;
        }

        var want = (int)Math.Min(Math.Max(_scrubNeeded, ScrubBudget.SliceBytes), segment.Size - _scrubPosition);
        var granted = budget.Take(Math.Min(want, ScrubBudget.SliceBytes));
        if (granted == 0)
        {
            return budget.RetryDelay;
        }

        budget.Charge(want - granted);
        var buffer = ArrayPool<byte>.Shared.Rent(want);
        var leased = false;
        segment.ReadHandle.DangerousAddRef(ref leased);
        try
        {
            var filled = 0;
            while (filled < want)
            {
                var read = await _io.ReadAsync(segment.ReadHandle, buffer.AsMemory(filled, want - filled), _scrubPosition + filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            if (_closed || _scrubSegment != segment.BaseOffset || !_segments.Contains(segment))
            {
                // Closed, moved on, or the cleaner swapped the segment for its cleaned copy meanwhile
                // (same base offset, other bytes): these bytes no longer describe it.
                return TimeSpan.Zero;
            }

            BytesScrubbed += filled;
            var scanner = new LogScanner(_scrubPosition, _scrubNextOffset, indexer: null, allowGaps: true);
            var consumed = scanner.Scan(buffer.AsSpan(0, filled), filled < want ? filled : segment.Size - _scrubPosition);
            (_scrubPosition, _scrubNextOffset, _scrubNeeded) = (scanner.Position, scanner.NextOffset, scanner.NeededBytes);
            switch (scanner.Stop)
            {
                case ScanStop.None:
                    break;
                case ScanStop.EndOfData:
                    _scrubPosition = long.MaxValue;
                    break;
                default:
                    ReportScrubDamage(segment, scanner, buffer.AsSpan(consumed, filled - consumed));
                    break;
            }

            return TimeSpan.Zero;
        }
        finally
        {
            segment.ReadHandle.DangerousRelease();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The closed segment the cursor is in, moving it to the next one (or starting a new pass) when done.</summary>
    private LogSegment? ScrubTarget()
    {
        for (var i = 0; i < _segments.Count - 1; i++)
        {
            var segment = _segments[i];
            if (segment.BaseOffset == _scrubSegment && _scrubPosition < segment.Size)
            {
                return segment;
            }

            if (segment.BaseOffset > _scrubSegment)
            {
                (_scrubSegment, _scrubPosition, _scrubNextOffset, _scrubNeeded) = (segment.BaseOffset, 0, segment.BaseOffset, 0);
                return segment.Size > 0 ? segment : ScrubTarget();
            }
        }

        if (_scrubSegment >= 0)
        {
            // Every closed segment checked: the next slice starts a new pass from the oldest.
            ScrubPasses++;
            _scrubSegment = -1;
        }

        return null;
    }

    /// <summary>
    /// Records the batch the scrub stopped at as corrupt. When its header still names the expected
    /// offset and a length inside the segment, only that batch is fenced and the scrub goes on after
    /// it; otherwise nothing after it in the segment can be trusted and the range runs to the segment's end.
    /// </summary>
    private void ReportScrubDamage(LogSegment segment, LogScanner scanner, ReadOnlySpan<byte> rest)
    {
        var range = new CorruptRange(segment.BaseOffset, scanner.NextOffset, segment.NextOffset, scanner.Position, segment.Size);
        if (rest.Length >= RecordBatchHeader.Size)
        {
            var header = RecordBatchHeader.Read(rest);
            if (header.BaseOffset == scanner.NextOffset && header.LastOffsetDelta >= 0 && header.TotalSize >= RecordBatchHeader.Size
                && scanner.Position + header.TotalSize <= segment.Size && header.LastOffset < segment.NextOffset)
            {
                range = range with { EndOffset = header.LastOffset + 1, EndPosition = scanner.Position + header.TotalSize };
            }
        }

        MarkCorrupt(range, $"scrub: {scanner.Stop} {scanner.StopError}");
        (_scrubPosition, _scrubNextOffset, _scrubNeeded) = range.EndPosition < segment.Size
            ? (range.EndPosition, range.EndOffset, 0)
            : (long.MaxValue, 0, 0);
    }

    /// <summary>Fences <paramref name="range"/> from reads (once) and reports it at error level and to the metrics.</summary>
    private void MarkCorrupt(CorruptRange range, string why)
    {
        foreach (var known in _corrupt)
        {
            if (known.SegmentBaseOffset == range.SegmentBaseOffset && known.Position == range.Position)
            {
                return;
            }
        }

        _corrupt.Add(range);
        _options.Metrics?.CorruptBatchFound();
        LogError($"CORRUPTION: segment {range.SegmentBaseOffset} fails its check at byte {range.Position} ({why}): "
            + $"offsets [{range.FirstOffset}, {range.EndOffset}) are out of service (fetches get KAFKA_STORAGE_ERROR) until the segment is repaired or deleted");
    }

    /// <summary>A read at <paramref name="offset"/> fails if a known-corrupt range holds it.</summary>
    private void ThrowIfCorrupt(long offset)
    {
        foreach (var range in _corrupt)
        {
            if (range.Contains(offset))
            {
                throw new CorruptLogException(Directory, range);
            }
        }
    }

    /// <summary>Where a read of <paramref name="segment"/> from <paramref name="offset"/> must stop: before the first corrupt range after it.</summary>
    private long ReadableEnd(LogSegment segment, long offset)
    {
        var end = segment.Size;
        foreach (var range in _corrupt)
        {
            if (range.SegmentBaseOffset == segment.BaseOffset && range.FirstOffset > offset)
            {
                end = Math.Min(end, range.Position);
            }
        }

        return end;
    }

}
