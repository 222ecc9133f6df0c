namespace FastLog.Core.Tests;

public sealed class AlignedBufferPoolTests
{
    [Fact]
    public void Rent_GivesZeroedPageMultiples_AndReusesReturnedBuffers()
    {
        using var pool = new AlignedBufferPool(bufferSize: 10_000, preallocate: 2);
        Assert.Equal(12_288, pool.BufferSize);
        Assert.Equal(2, pool.Available);

        var a = pool.Rent();
        var b = pool.Rent();
        var c = pool.Rent(); // pool ran dry: grows
        Assert.Equal(3, pool.Allocated);
        Assert.All([a, b, c], x => Assert.Equal(12_288, x.Length));
        Assert.True(c.Span.IndexOfAnyExcept((byte)0) < 0);

        a.Span.Fill(7);
        pool.Return(a);
        Assert.Same(a, pool.Rent());
        Assert.Equal(3, pool.Allocated);
        ((IDisposable)b).Dispose(); // disposing a rented buffer returns it
        Assert.Equal(1, pool.Available);
    }

    [Fact]
    public void Return_Twice_OrToAnotherPool_Throws()
    {
        using var pool = new AlignedBufferPool(4096);
        using var other = new AlignedBufferPool(4096);
        var buffer = pool.Rent();
        Assert.Throws<InvalidOperationException>(() => other.Return(buffer));
        pool.Return(buffer);
        Assert.Throws<InvalidOperationException>(() => pool.Return(buffer));
    }
}
