using FastLog.Storage.Format;
using FastLog.Storage.Read;

namespace FastLog.Storage.Tests;

public sealed class TailCacheTests
{
    // Three appends: [0..2][3..5] (two batches), [6..8], [9..11], each batch 61 + 39 = 100 bytes.
    private static TailCache Filled(int capacity = 1 << 20)
    {
        var cache = new TailCache(capacity);
        cache.Add(0, 5, Batches(0, 2));
        cache.Add(6, 8, Batches(6, 1));
        cache.Add(9, 11, Batches(9, 1));
        return cache;
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

        Assert.True(Filled().TryRead(4, 1000, true, chunks, out var length));

        Assert.Equal([3L, 6, 9], BaseOffsets(chunks));
        Assert.Equal(300, length);
    }

    [Fact]
    public void TryRead_StopsAtTheByteLimit_OnABatchBoundary()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(Filled().TryRead(0, 250, true, chunks, out var length));

        Assert.Equal([0L, 3], BaseOffsets(chunks));
        Assert.Equal(200, length);
    }

    [Fact]
    public void TryRead_ReturnsAnOversizedFirstBatch_OnlyWhenAskedTo()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(Filled().TryRead(6, 10, true, chunks, out var length));
        Assert.Equal([6L], BaseOffsets(chunks));
        Assert.Equal(100, length);

        chunks.Clear();
        Assert.True(Filled().TryRead(6, 10, false, chunks, out length));
        Assert.Empty(chunks);
        Assert.Equal(0, length);
    }

    [Fact]
    public void TryRead_PastTheEnd_IsEmptyButServed()
    {
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.True(Filled().TryRead(12, 1000, true, chunks, out var length));
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
        Assert.False(cache.TryRead(5, 1000, true, chunks, out _));

        var tiny = new TailCache(10);
        tiny.Add(0, 2, Batches(0, 1));
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
            cache.Add(i * 3, (i * 3) + 2, Batches(i * 3, 1));
        }

        var chunks = new List<ReadOnlyMemory<byte>>();
        Assert.True(cache.TryRead(1497, 1000, true, chunks, out _));
        Assert.Equal([1497L], BaseOffsets(chunks));
        Assert.Equal(1000, cache.Bytes);
        Assert.Equal(1470, cache.FirstOffset);
    }
}
