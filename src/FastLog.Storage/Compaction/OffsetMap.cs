using System.IO.Hashing;

namespace FastLog.Storage.Compaction;

/// <summary>
/// Kafka's SkimpyOffsetMap: a fixed-size open-addressing table from a 128-bit hash of a record key
/// (XxHash128; Kafka uses MD5) to the highest offset seen for it. Memory is fixed at construction
/// (24 bytes a slot: two halves of the hash and the offset); <see cref="TryPut"/> refuses a new key
/// once <see cref="MaxEntries"/> (90 % of the slots) are used, which is how the cleaner learns that a
/// dirty section holds more keys than fit and cleans only the part it mapped. Two keys with the same
/// 128-bit hash would be taken for one (as in Kafka: odds about 2^-64 for billions of keys).
/// Threads: used by one cleaning on the owner shard only.
/// </summary>
internal sealed class OffsetMap
{
    private const int SlotBytes = 24;
    private const double LoadFactor = 0.9;

    private readonly ulong[] _high;
    private readonly ulong[] _low;

    // Offset + 1, so a fresh (zeroed) array means "all slots empty" with no fill pass over it on the shard.
    private readonly long[] _offsetsPlusOne;

    public OffsetMap(int bytes)
    {
        var slots = Math.Max(16, bytes / SlotBytes);
        _high = new ulong[slots];
        _low = new ulong[slots];
        _offsetsPlusOne = new long[slots];
        MaxEntries = (int)(slots * LoadFactor);
    }

    public int Count { get; private set; }

    public int MaxEntries { get; }

    /// <summary>True when <paramref name="keys"/> more new keys would still fit (the check before a batch is mapped).</summary>
    public bool HasRoomFor(int keys) => Count + keys <= MaxEntries;

    /// <summary>Records <paramref name="offset"/> as the latest for <paramref name="key"/>; false (nothing changed) when the key is new and the map is full.</summary>
    public bool TryPut(ReadOnlySpan<byte> key, long offset)
    {
        var slot = Find(key, out var high, out var low);
        if (_offsetsPlusOne[slot] == 0)
        {
            if (Count >= MaxEntries)
            {
                return false;
            }

            _high[slot] = high;
            _low[slot] = low;
            Count++;
        }

        _offsetsPlusOne[slot] = Math.Max(_offsetsPlusOne[slot], offset + 1);
        return true;
    }

    /// <summary>The latest offset recorded for <paramref name="key"/>, or -1.</summary>
    public long Get(ReadOnlySpan<byte> key) => _offsetsPlusOne[Find(key, out _, out _)] - 1;

    /// <summary>The slot holding the key's hash, or the empty slot where it would go (linear probing; never full: load factor &lt; 1).</summary>
    private int Find(ReadOnlySpan<byte> key, out ulong high, out ulong low)
    {
        var hash = XxHash128.HashToUInt128(key);
        high = (ulong)(hash >> 64);
        low = (ulong)hash;
        var slot = (int)(low % (ulong)_offsetsPlusOne.Length);
        while (_offsetsPlusOne[slot] != 0 && (_high[slot] != high || _low[slot] != low))
        {
            slot = slot + 1 == _offsetsPlusOne.Length ? 0 : slot + 1;
        }

        return slot;
    }
}
