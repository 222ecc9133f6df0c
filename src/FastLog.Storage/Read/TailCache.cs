using FastLog.Storage.Format;

namespace FastLog.Storage.Read;

/// <summary>
/// The newest committed batches of a partition kept in memory, so tail reads (consumers keeping
/// up) never touch the disk: O_DIRECT writes leave nothing in the page cache. Each entry is the
/// array one append wrote (one or more whole batches, offsets assigned), never modified after it
/// is added, so readers on other shards may hold slices of it. Bounded by bytes; the oldest
/// entries go first, the newest always stays. Owned by the partition's shard; not thread-safe.
/// </summary>
internal sealed class TailCache
{
    private readonly int _capacityBytes;
    private readonly List<Entry> _entries = [];
    private int _head;
    private long _bytes;

    public TailCache(int capacityBytes)
    {
        _capacityBytes = capacityBytes;
    }

    /// <summary>Oldest offset served from memory (long.MaxValue when empty).</summary>
    public long FirstOffset => _head < _entries.Count ? _entries[_head].BaseOffset : long.MaxValue;

    public long Bytes => _bytes;

    public void Add(long baseOffset, long lastOffset, byte[] batches)
    {
        if (_capacityBytes <= 0)
        {
            return;
        }

        _entries.Add(new Entry(baseOffset, lastOffset, batches));
        _bytes += batches.Length;
        while (_bytes > _capacityBytes && _entries.Count - _head > 1)
        {
            _bytes -= _entries[_head].Data.Length;
            _entries[_head] = default;
            _head++;
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
            _bytes -= _entries[_head].Data.Length;
            _entries[_head] = default;
            _head++;
        }
    }

    public void Clear()
    {
        _entries.Clear();
        _head = 0;
        _bytes = 0;
    }

    /// <summary>
    /// Whole batches from the one holding <paramref name="offset"/> on, up to
    /// <paramref name="maxBytes"/> (the first batch even if larger, when
    /// <paramref name="minOneBatch"/>). False when <paramref name="offset"/> is older than the cache.
    /// </summary>
    public bool TryRead(long offset, int maxBytes, bool minOneBatch, List<ReadOnlyMemory<byte>> chunks, out int length)
    {
        length = 0;
        if (offset < FirstOffset)
        {
            return false;
        }

        var firstEntry = FindEntry(offset);
        for (var i = firstEntry; i < _entries.Count; i++)
        {
            var data = _entries[i].Data;
            var start = i == firstEntry ? StartOfBatchHolding(data, offset) : 0;
            var end = start;
            while (end < data.Length)
            {
                var size = (int)RecordBatchHeader.ReadTotalSize(data.AsSpan(end));
                var first = length == 0 && end == start;
                if (length + (end - start) + size > maxBytes && !(first && minOneBatch))
                {
                    break;
                }

                end += size;
            }

            if (end > start)
            {
                chunks.Add(data.AsMemory(start, end - start));
                length += end - start;
            }

            if (end < data.Length)
            {
                break;
            }
        }

        return true;
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

    private static int StartOfBatchHolding(byte[] data, long offset)
    {
        var position = 0;
        while (position < data.Length)
        {
            var header = RecordBatchHeader.Read(data.AsSpan(position));
            if (header.LastOffset >= offset)
            {
                return position;
            }

            position += header.TotalSize;
        }

        return position;
    }

    private readonly record struct Entry(long BaseOffset, long LastOffset, byte[] Data);
}
