using FastLog.Records;
using FastLog.Storage.Read;

namespace FastLog.Storage;

/// <summary>Reads (fetch) and ListOffsets lookups by timestamp.</summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// A consumer's read: <see cref="ReadAsync(long, int, long, bool)"/> up to the
    /// <see cref="HighWatermark"/>.
    /// </summary>
    public ValueTask<LogReadResult> ReadAsync(long offset, int maxBytes, bool minOneBatch = true)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return ReadAsync(offset, maxBytes, HighWatermark, minOneBatch);
    }

    /// <summary>
    /// Whole batches from the one holding <paramref name="offset"/> up to <paramref name="maxBytes"/>
    /// (plus the first batch whole even if larger, when <paramref name="minOneBatch"/>, as Kafka
    /// does for the first partition of a fetch), never a batch starting at or after
    /// <paramref name="maxOffset"/> (consumers pass the high watermark, followers the log end; it
    /// is capped at the log end) and never across a segment boundary. Recent batches come from the
    /// tail cache as memory, older ones as a leased <see cref="FileRegion"/>. From
    /// <paramref name="maxOffset"/> on the result is empty; outside [LogStartOffset, LogEndOffset]
    /// it throws <see cref="LogOffsetOutOfRangeException"/>; at a batch known to be corrupt on disk,
    /// <see cref="CorruptLogException"/> (a read before one ends before it). Dispose the result when its bytes are sent.
    /// </summary>
    public async ValueTask<LogReadResult> ReadAsync(long offset, int maxBytes, long maxOffset, bool minOneBatch = true)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var highWatermark = HighWatermark;
        var logStart = LogStartOffset;
        var logEnd = LogEndOffset;
        if (offset < logStart || offset > logEnd)
        {
            throw new LogOffsetOutOfRangeException(offset, logStart, highWatermark);
        }

        maxOffset = Math.Min(maxOffset, logEnd);
        if (offset >= maxOffset)
        {
            return LogReadResult.Empty(highWatermark, logStart);
        }

        ThrowIfCorrupt(offset);
        if (offset >= _cache.FirstOffset)
        {
            var chunks = new List<ReadOnlyMemory<byte>>();
            var leases = new List<CacheChunk>();
            _cache.TryRead(offset, maxBytes, minOneBatch, maxOffset, chunks, leases, out var length);
            return LogReadResult.FromMemory(chunks, leases, length, highWatermark, logStart);
        }

        var segment = SegmentHolding(offset);
        var end = ReadableEnd(segment, offset);

        // Lease the file before the first await: retention may delete the segment meanwhile.
        var leased = false;
        segment.ReadHandle.DangerousAddRef(ref leased);
        try
        {
            var (_, indexed) = segment.Indexer.Offsets.Lookup(offset);
            var (start, first) = await segment.FindBatchAsync(_io, indexed, end, (h, _) => h.LastOffset >= offset);
            if (first is null && end == segment.Size && segment.NextOffset < maxOffset && segment != Active && !_closed)
            {
                // The cleaner removed the rest of this segment (offsets stay, batches go): the read
                // continues in the next one, as Kafka's does across compacted gaps.
                segment.ReadHandle.DangerousRelease();
                leased = false;
                return await ReadAsync(segment.NextOffset, maxBytes, maxOffset, minOneBatch);
            }

            if (first is not { } header || header.BaseOffset >= maxOffset || (!minOneBatch && header.TotalSize > maxBytes))
            {
                return LogReadResult.Empty(highWatermark, logStart);
            }

            if (maxOffset < segment.NextOffset)
            {
                // The bound lies inside this segment: end before the batch that starts at or after it.
                var (_, bound) = segment.Indexer.Offsets.Lookup(maxOffset);
                (end, _) = await segment.FindBatchAsync(_io, Math.Max(bound, start), end, (h, _) => h.BaseOffset >= maxOffset);
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
    /// ListOffsets by timestamp: the whole first batch ending at or after <paramref name="fromOffset"/>
    /// (and LogStartOffset) whose MaxTimestamp is &gt;= <paramref name="timestamp"/>, or null when no
    /// batch is that recent. Records are opaque here: the caller finds the exact record inside, and
    /// asks again from the batch's end if none of its records from <paramref name="fromOffset"/> on qualifies.
    /// </summary>
    public async ValueTask<byte[]?> ReadBatchByTimestampAsync(long timestamp, long fromOffset)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        fromOffset = Math.Max(fromOffset, LogStartOffset);
        foreach (var segment in _segments.ToArray())
        {
            if (segment.Indexer.MaxTimestamp < timestamp || segment.NextOffset <= fromOffset)
            {
                continue;
            }

            var (_, indexedOffset) = segment.Indexer.Times.Lookup(timestamp);
            var (_, position) = segment.Indexer.Offsets.Lookup(Math.Max(indexedOffset, fromOffset));
            if (await ReadBatchAsync(segment, position, (h, _) => h.MaxTimestamp >= timestamp && h.LastOffset >= fromOffset) is { } batch)
            {
                return batch;
            }
        }

        return null;
    }

    /// <summary>
    /// ListOffsets MAX_TIMESTAMP (-3): the whole batches that may hold the first record with the largest
    /// timestamp at or after LogStartOffset, in offset order. The last one is the first batch starting at
    /// or after LogStartOffset with the largest MaxTimestamp, found from each segment's indexed
    /// MaxTimestamp (Kafka's maxTimestampSoFar) without reading other batches; only when LogStartOffset
    /// lies inside a segment whose maximum was reached before it is that segment's header chain walked.
    /// When LogStartOffset lies inside a batch, that batch comes first: its MaxTimestamp may belong to a
    /// deleted record, so only its records decide. Empty when no batch carries a timestamp.
    /// </summary>
    public async ValueTask<List<byte[]>> ReadMaxTimestampBatchesAsync()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var logStart = LogStartOffset;
        var batches = new List<byte[]>();
        (LogSegment Segment, long Timestamp, long BaseOffset)? best = null;
        foreach (var segment in _segments.ToArray())
        {
            var indexer = segment.Indexer;
            if (segment.NextOffset <= logStart || indexer.MaxTimestamp < 0)
            {
                continue;
            }

            var candidate = (segment, indexer.MaxTimestamp, indexer.OffsetOfMaxTimestamp);
            if (indexer.OffsetOfMaxTimestamp < logStart)
            {
                // The segment's maximum is deleted: walk its visible batches for theirs.
                long max = -1, maxBase = -1, straddlingAt = -1;
                var (_, position) = segment.Indexer.Offsets.Lookup(logStart);
                await segment.FindBatchAsync(_io, position, segment.Size, (h, at) =>
                {
                    if (h.BaseOffset < logStart && h.LastOffset >= logStart)
                    {
                        straddlingAt = at;
                    }
                    else if (h.BaseOffset >= logStart && h.MaxTimestamp > max)
                    {
                        (max, maxBase) = (h.MaxTimestamp, h.BaseOffset);
                    }

                    return false;
                });
                if (straddlingAt >= 0 && await ReadBatchAsync(segment, straddlingAt, (_, _) => true) is { } straddling)
                {
                    batches.Add(straddling);
                }

                candidate = (segment, max, maxBase);
            }

            if (candidate.Item2 >= 0 && (best is not { } b || candidate.Item2 > b.Timestamp))
            {
                best = candidate;
            }
        }

        if (best is { } winner)
        {
            var (_, position) = winner.Segment.Indexer.Offsets.Lookup(winner.BaseOffset);
            if (await ReadBatchAsync(winner.Segment, position, (h, _) => h.BaseOffset >= winner.BaseOffset && h.MaxTimestamp == winner.Timestamp) is { } batch)
            {
                batches.Add(batch);
            }
        }

        return batches;
    }

    /// <summary>The whole first batch from <paramref name="position"/> on that <paramref name="match"/> accepts, or null.</summary>
    private async ValueTask<byte[]?> ReadBatchAsync(LogSegment segment, long position, Func<RecordBatchHeader, long, bool> match)
    {
        // Lease the file before the first await: retention may delete the segment meanwhile.
        var leased = false;
        segment.ReadHandle.DangerousAddRef(ref leased);
        try
        {
            var (start, header) = await segment.FindBatchAsync(_io, position, segment.Size, match);
            if (header is not { } found)
            {
                return null;
            }

            // Its records would be read for the exact offset: not from bytes known to be damaged.
            ThrowIfCorrupt(found.BaseOffset);

            var batch = new byte[found.TotalSize];
            var read = 0;
            while (read < batch.Length)
            {
                var n = await _io.ReadAsync(segment.ReadHandle, batch.AsMemory(read), start + read);
                read += n > 0 ? n : throw new IOException($"{segment.LogPath}: batch at {start} is past the end of the file.");
            }

            return batch;
        }
        finally
        {
            segment.ReadHandle.DangerousRelease();
        }
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
