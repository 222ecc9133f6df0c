using System.Buffers.Binary;
using FastLog.Records;

namespace FastLog.Storage.Read;

/// <summary>
/// The newest committed batches of a partition kept in memory, so tail reads (consumers keeping
/// up) never touch the disk: O_DIRECT writes leave nothing in the page cache. Appends are copied
/// into pooled <see cref="CacheChunk"/>s as they are queued (<see cref="Copy"/>); each committed
/// append becomes an entry (one or more whole batches, offsets assigned) that is never modified
/// after, so readers on other shards may hold slices of it under a lease. Bounded by bytes; the
/// oldest entries go first, the newest always stays. Owned by the partition's shard; not thread-safe
/// (except the chunks' reference counts, see <see cref="CacheChunk"/>).
/// </summary>
internal sealed class TailCache
{
    private readonly int _capacityBytes;
    private readonly List<Entry> _entries = [];
    private CacheChunk? _current;
    private int _head;
    private long _bytes;

    public TailCache(int capacityBytes)
    {
        _capacityBytes = capacityBytes;
    }

    /// <summary>Oldest offset served from memory (long.MaxValue when empty).</summary>
    public long FirstOffset => _head < _entries.Count ? _entries[_head].BaseOffset : long.MaxValue;

    public long Bytes => _bytes;

    /// <summary>
    /// Copies an append's batches into the current chunk (a new one when they do not fit: twice
    /// the size of the last, from <see cref="CacheChunk.MinBytes"/> up to <see cref="CacheChunk.MaxBytes"/>).
    /// The slice holds a reference until it is <see cref="Add"/>ed or released.
    /// </summary>
    public CacheSlice Copy(ReadOnlySpan<byte> batches)
    {
        if (_current is null || !_current.TryReserve(batches.Length, out var start))
        {
            var size = Math.Max(batches.Length, Math.Clamp((_current?.Capacity ?? 0) * 2, CacheChunk.MinBytes, CacheChunk.MaxBytes));
            _current?.Release();
            _current = CacheChunk.Rent(size);
            _current.TryReserve(batches.Length, out start);
        }

        var slice = new CacheSlice(_current, start, batches.Length);
        batches.CopyTo(slice.Span);
        return slice;
    }

    /// <summary>Makes a committed append readable; takes over the slice's reference.</summary>
    public void Add(long baseOffset, long lastOffset, CacheSlice batches)
    {
        if (_capacityBytes <= 0)
        {
            batches.Release();
            return;
        }

        _entries.Add(new Entry(baseOffset, lastOffset, batches));
        _bytes += batches.Length;
        while (_bytes > _capacityBytes && _entries.Count - _head > 1)
        {
            Evict();
        }

        // Compact the evicted prefix once it is half the list, keeping removal amortized O(1).
        if (_head > 32 && _head * 2 > _entries.Count)
        {
            _entries.RemoveRange(0, _head);
            _head = 0;
        }
    }

    /// <summary>Drops everything before <paramref name="logStartOffset"/> (DeleteRecords, retention).</summary>
    public void DropBefore(long logStartOffset)
    {
        while (_head < _entries.Count && _entries[_head].LastOffset < logStartOffset)
        {
            Evict();
        }
    }

    /// <summary>
    /// Drops every batch at or after <paramref name="endOffset"/> (a follower's truncation): the
    /// entries past it go, and an entry it cuts is replaced by one over the same bytes up to it
    /// (a reader holding those bytes keeps them). The cache stays a suffix of the log.
    /// </summary>
    public void TruncateFrom(long endOffset)
    {
        while (_entries.Count > _head && _entries[^1].LastOffset >= endOffset)
        {
            var entry = _entries[^1];
            var data = entry.Data.Span;
            var kept = 0;
            var lastKept = entry.BaseOffset - 1;
            while (kept < data.Length)
            {
                var header = RecordBatchHeader.Read(data[kept..]);
                if (header.LastOffset >= endOffset)
                {
                    break;
                }

                lastKept = header.LastOffset;
                kept += header.TotalSize;
            }

            if (kept > 0)
            {
                _bytes -= entry.Data.Length - kept;
                _entries[^1] = new Entry(entry.BaseOffset, lastKept, entry.Data with { Length = kept });
                return;
            }

            _bytes -= entry.Data.Length;
            entry.Data.Release();
            _entries.RemoveAt(_entries.Count - 1);
        }
    }

    /// <summary>Releases every entry and the current chunk (the log is closing, or starting over).</summary>
    public void Clear()
    {
        while (_head < _entries.Count)
        {
            Evict();
        }

        _entries.Clear();
        _head = 0;
        _current?.Release();
        _current = null;
    }

    private void Evict()
    {
        var data = _entries[_head].Data;
        _bytes -= data.Length;
        data.Release();
        _entries[_head] = default;
        _head++;
    }

    /// <summary>
    /// Whole batches from the one holding <paramref name="offset"/> on, up to
    /// <paramref name="maxBytes"/> (the first batch even if larger, when
    /// <paramref name="minOneBatch"/>) and before the first batch starting at or after
    /// <paramref name="maxOffset"/>. Entries that lie back to back in one chunk come out as one
    /// memory range. Every chunk read from gets a reference, added to <paramref name="leases"/>:
    /// release each once the bytes are sent. False when <paramref name="offset"/> is older than the cache.
    /// </summary>
    public bool TryRead(long offset, int maxBytes, bool minOneBatch, long maxOffset, List<ReadOnlyMemory<byte>> chunks, List<CacheChunk> leases, out int length)
    {
        length = 0;
        if (offset < FirstOffset)
        {
            return false;
        }

        var firstEntry = FindEntry(offset);
        CacheChunk? runChunk = null;
        int runStart = 0, runEnd = 0;
        for (var i = firstEntry; i < _entries.Count; i++)
        {
            var data = _entries[i].Data;
            var bytes = data.Span;
            var start = i == firstEntry ? StartOfBatchHolding(bytes, offset) : 0;
            var end = start;
            while (end < bytes.Length)
            {
                var size = (int)RecordBatchHeader.ReadTotalSize(bytes[end..]);
                var first = length == 0 && end == start;
                if ((length + (end - start) + size > maxBytes && !(first && minOneBatch))
                    || BinaryPrimitives.ReadInt64BigEndian(bytes[(end + RecordBatchHeader.BaseOffsetOffset)..]) >= maxOffset)
                {
                    break;
                }

                end += size;
            }

            if (end > start)
            {
                length += end - start;
                if (runChunk == data.Chunk && runEnd == data.Start + start)
                {
                    runEnd = data.Start + end;
                }
                else
                {
                    EndRun(runChunk, runStart, runEnd, chunks, leases);
                    (runChunk, runStart, runEnd) = (data.Chunk, data.Start + start, data.Start + end);
                }
            }

            if (end < bytes.Length)
            {
                break;
            }
        }

        EndRun(runChunk, runStart, runEnd, chunks, leases);
        return true;
    }

    private static void EndRun(CacheChunk? chunk, int start, int end, List<ReadOnlyMemory<byte>> chunks, List<CacheChunk> leases)
    {
        if (chunk is null)
        {
            return;
        }

        chunks.Add(chunk.Slice(start, end - start));
        if (!leases.Contains(chunk))
        {
            chunk.AddReference();
            leases.Add(chunk);
        }
    }

    /// <summary>Index of the first entry whose LastOffset is &gt;= <paramref name="offset"/> (Count if none).</summary>
    private int FindEntry(long offset)
    {
        int lo = _head, hi = _entries.Count - 1, found = _entries.Count;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_entries[mid].LastOffset >= offset)
            {
                found = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return found;
    }

    private static int StartOfBatchHolding(ReadOnlySpan<byte> data, long offset)
    {
        var position = 0;
        while (position < data.Length)
        {
            var header = RecordBatchHeader.Read(data[position..]);
            if (header.LastOffset >= offset)
            {
                return position;
            }

            position += header.TotalSize;
        }

        return position;
    }

    private readonly record struct Entry(long BaseOffset, long LastOffset, CacheSlice Data);
}
