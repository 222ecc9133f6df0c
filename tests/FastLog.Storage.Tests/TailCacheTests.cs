using FastLog.Records;
using FastLog.Storage.Read;

namespace FastLog.Storage.Tests;

public sealed class TailCacheTests
{
    // Three appends: [0..2][3..5] (two batches), [6..8], [9..11], each batch 61 + 39 = 100 bytes.
    private static TailCache Filled(int capacity = 1 << 20)
    {
        var cache = new TailCache(capacity);
        Add(cache, 0, 5, Batches(0, 2));
        Add(cache, 6, 8, Batches(6, 1));
        Add(cache, 9, 11, Batches(9, 1));
        return cache;
    }

    private static void Add(TailCache cache, long baseOffset, long lastOffset, byte[] batches) =>
        cache.Add(baseOffset, lastOffset, cache.Copy(batches));

    private static bool TryRead(TailCache cache, long offset, int maxBytes, bool minOneBatch, List<ReadOnlyMemory<byte>> chunks, out int length)
    {
        var leases = new List<CacheChunk>();
        var found = cache.TryRead(offset, maxBytes, minOneBatch, chunks, leases, out length);
        leases.ForEach(lease => lease.Release());
        return found;
    }

    private static byte[] Batches(long baseOffset, int count) =>
        Enumerable.Range(0, count).SelectMany(i => TestBatches.Create(baseOffset + (3 * i), recordCount: 3, recordsBytes: 39, seed: (int)baseOffset + i)).ToArray();

    private static List<long> BaseOffsets(List<ReadOnlyMemory<byte>> chunks)
    {
        var result = new List<long>();
        foreach (var chunk in chunks)
        {
            for (var at = 0; at < chunk.Length;)
            {
                var header = RecordBatchHeader.Read(chunk.Span[at..]);
                result.Add(header.BaseOffset);
                at += header.TotalSize;
            }
        }

        return result;
    }

    [Fact]
    public void TryRead_StartsAtTheBatchHoldingTheOffset_AndReturnsWholeBatches()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(TryRead(Filled(), 4, 1000, true, chunks, out var length));

        Assert.Equal([3L, 6, 9], BaseOffsets(chunks));
        Assert.Equal(300, length);
    }

    [Fact]
    public void TryRead_StopsAtTheByteLimit_OnABatchBoundary()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(TryRead(Filled(), 0, 250, true, chunks, out var length));

        Assert.Equal([0L, 3], BaseOffsets(chunks));
        Assert.Equal(200, length);
    }

    [Fact]
    public void TryRead_ReturnsAnOversizedFirstBatch_OnlyWhenAskedTo()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(TryRead(Filled(), 6, 10, true, chunks, out var length));
        Assert.Equal([6L], BaseOffsets(chunks));
        Assert.Equal(100, length);

        chunks.Clear();
        Assert.True(TryRead(Filled(), 6, 10, false, chunks, out length));
        Assert.Empty(chunks);
        Assert.Equal(0, length);
    }

    [Fact]
    public void TryRead_PastTheEnd_IsEmptyButServed()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(TryRead(Filled(), 12, 1000, true, chunks, out var length));
        Assert.Empty(chunks);
        Assert.Equal(0, length);
    }

    [Fact]
    public void Eviction_DropsOldestEntriesBeyondCapacity_ButKeepsTheNewest()
    {
        var cache = Filled(capacity: 250);
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.Equal(6, cache.FirstOffset);
        Assert.Equal(200, cache.Bytes);
        Assert.False(TryRead(cache, 5, 1000, true, chunks, out _));

        var tiny = new TailCache(10);
        Add(tiny, 0, 2, Batches(0, 1));
        Assert.Equal(0, tiny.FirstOffset);
    }

    [Fact]
    public void DropBefore_ForgetsEntriesBelowTheLogStart()
    {
        var cache = Filled();

        cache.DropBefore(7);

        Assert.Equal(6, cache.FirstOffset);
        cache.DropBefore(9);
        Assert.Equal(9, cache.FirstOffset);
    }

    [Fact]
    public void ManyAdds_KeepServingTheNewestRange()
    {
        var cache = new TailCache(1000);
        for (var i = 0; i < 500; i++)
        {
            Add(cache, i * 3, (i * 3) + 2, Batches(i * 3, 1));
        }

        var chunks = new List<ReadOnlyMemory<byte>>();
        Assert.True(TryRead(cache, 1497, 1000, true, chunks, out _));
        Assert.Equal([1497L], BaseOffsets(chunks));
        Assert.Equal(1000, cache.Bytes);
        Assert.Equal(1470, cache.FirstOffset);
    }

    [Fact]
    public void TryRead_JoinsEntriesThatLieBackToBackInOneChunk()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(TryRead(Filled(), 0, 1000, true, chunks, out var length));

        Assert.Single(chunks);
        Assert.Equal(400, length);
        Assert.Equal([0L, 3, 6, 9], BaseOffsets(chunks));
    }

    [Fact]
    public void ALeasedChunk_KeepsItsBytes_AfterEvictionAndHeavyReuseOfThePool()
    {
        var cache = new TailCache(capacityBytes: 1000);
        var original = Batches(0, 1);
        Add(cache, 0, 2, original);
        var chunks = new List<ReadOnlyMemory<byte>>();
        var leases = new List<CacheChunk>();
        Assert.True(cache.TryRead(0, 1000, true, chunks, leases, out _));
        var leased = Assert.Single(leases);

        // Far more than the chunk holds: the cache evicts offset 0 and moves on to new chunks,
        // returning the ones nobody leases to the pool, which hands them out again.
        for (var i = 1; i < 2000; i++)
        {
            Add(cache, i * 3, (i * 3) + 2, Batches(i * 3, 1));
        }

        Assert.True(cache.FirstOffset > 0);
        Assert.Equal(1, leased.References);
        Assert.Equal(original, chunks[0].ToArray());
        leased.Release();
        Assert.Equal(0, leased.References);
    }

    [Fact]
    public void Clear_ReleasesEveryEntryAndTheCurrentChunk()
    {
        var cache = Filled();
        var chunks = new List<ReadOnlyMemory<byte>>();
        var leases = new List<CacheChunk>();
        Assert.True(cache.TryRead(0, 1000, true, chunks, leases, out _));
        var chunk = Assert.Single(leases);

        cache.Clear();

        Assert.Equal(1, chunk.References);
        chunk.Release();
        Assert.Equal(long.MaxValue, cache.FirstOffset);
    }

    [Fact]
    public void AnAppendLargerThanTheLargestChunk_GetsAChunkOfItsOwn()
    {
        var cache = new TailCache(capacityBytes: 8 << 20);
        var big = new byte[CacheChunk.MaxBytes + 1];

        var slice = cache.Copy(big);

        Assert.True(slice.Chunk.Capacity >= big.Length);
        Assert.Equal(0, slice.Start);
        slice.Release();
    }
}
