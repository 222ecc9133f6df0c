using FastLog.Storage.Read;

namespace FastLog.Storage;

/// <summary>Reads (fetch) and ListOffsets lookups by timestamp.</summary>
internal sealed partial class PartitionLog
{
    /// <summary>
    /// Whole batches from the one holding <paramref name="offset"/> up to <paramref name="maxBytes"/>
    /// (plus the first batch whole even if larger, when <paramref name="minOneBatch"/>, as Kafka
    /// does for the first partition of a fetch), never past the high watermark and never across a
    /// segment boundary. Recent batches come from the tail cache as memory, older ones as a leased
    /// <see cref="FileRegion"/>. At the high watermark the result is empty; outside
    /// [LogStartOffset, HighWatermark] it throws <see cref="LogOffsetOutOfRangeException"/>.
    /// Dispose the result when its bytes are sent.
    /// </summary>
    public async ValueTask<LogReadResult> ReadAsync(long offset, int maxBytes, bool minOneBatch = true)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var highWatermark = HighWatermark;
        var logStart = LogStartOffset;
        if (offset < logStart || offset > highWatermark)
        {
            throw new LogOffsetOutOfRangeException(offset, logStart, highWatermark);
        }

        if (offset == highWatermark)
        {
            return LogReadResult.Empty(highWatermark, logStart);
        }

        if (offset >= _cache.FirstOffset)
        {
            var chunks = new List<ReadOnlyMemory<byte>>();
            var leases = new List<CacheChunk>();
            _cache.TryRead(offset, maxBytes, minOneBatch, chunks, leases, out var length);
            return LogReadResult.FromMemory(chunks, leases, length, highWatermark, logStart);
        }

        var segment = SegmentHolding(offset);
        var end = segment.Size;

        // Lease the file before the first await: retention may delete the segment meanwhile.
        var leased = false;
        segment.ReadHandle.DangerousAddRef(ref leased);
        try
        {
            var (_, indexed) = segment.Indexer.Offsets.Lookup(offset);
            var (start, first) = await segment.FindBatchAsync(_io, indexed, end, (h, _) => h.LastOffset >= offset);
            if (first is not { } header || (!minOneBatch && header.TotalSize > maxBytes))
            {
                return LogReadResult.Empty(highWatermark, logStart);
            }

            var limit = start + Math.Max(maxBytes, header.TotalSize);
            var stop = end;
            if (limit < end)
            {
                var (_, near) = segment.Indexer.Offsets.LookupByPosition(limit);
                (stop, _) = await segment.FindBatchAsync(_io, Math.Max(near, start), end, (h, p) => p + h.TotalSize > limit);
            }

            var region = new FileRegion(segment.ReadHandle, start, checked((int)(stop - start)), leased: true);
            leased = false;
            return LogReadResult.FromFile(region, highWatermark, logStart);
        }
        finally
        {
            if (leased)
            {
                segment.ReadHandle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// ListOffsets by timestamp: the first batch whose MaxTimestamp is &gt;= <paramref name="timestamp"/>,
    /// as (its BaseOffset, its MaxTimestamp), or null when no batch is that recent. Records are opaque
    /// here, so the answer is the batch's first offset, not the exact record's (the broker may refine it).
    /// </summary>
    public async ValueTask<(long Offset, long Timestamp)?> FindOffsetByTimestampAsync(long timestamp)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        foreach (var segment in _segments.ToArray())
        {
            if (segment.Indexer.MaxTimestamp < timestamp || segment.NextOffset <= LogStartOffset)
            {
                continue;
            }

            var (_, fromOffset) = segment.Indexer.Times.Lookup(timestamp);
            var (_, position) = segment.Indexer.Offsets.Lookup(Math.Max(fromOffset, LogStartOffset));
            var (_, header) = await segment.FindBatchAsync(_io, position, segment.Size,
                (h, _) => h.MaxTimestamp >= timestamp && h.LastOffset >= LogStartOffset);
            if (header is { } found)
            {
                return (Math.Max(found.BaseOffset, LogStartOffset), found.MaxTimestamp);
            }
        }

        return null;
    }

    /// <summary>The segment whose range holds <paramref name="offset"/> (binary search on BaseOffset).</summary>
    private LogSegment SegmentHolding(long offset)
    {
        int lo = 0, hi = _segments.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (_segments[mid].BaseOffset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return _segments[lo];
    }
}
