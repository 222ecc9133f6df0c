using FastLog.Storage.Read;

namespace FastLog.Storage.Tests;

public sealed class FileRegionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlog-region-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Region_KeepsTheFileReadable_AfterTheOwnerClosesAndDeletesIt()
    {
        File.WriteAllBytes(_path, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());
        var handle = File.OpenHandle(_path);
        var region = new FileRegion(handle, 10, 5);

        handle.Dispose();       // the segment closes its read handle...
        File.Delete(_path);     // ...and retention deletes the file
        var bytes = new byte[5];
        region.CopyTo(bytes);

        Assert.Equal(new byte[] { 10, 11, 12, 13, 14 }, bytes);
        Assert.False(handle.IsClosed);
        region.Dispose();
        Assert.True(handle.IsClosed);
    }

    [Fact]
    public void Dispose_FromManyThreads_ReleasesExactlyOnce()
    {
        File.WriteAllBytes(_path, new byte[10]);
        using var handle = File.OpenHandle(_path);
        var regions = Enumerable.Range(0, 8).Select(_ => new FileRegion(handle, 0, 10)).ToArray();

        Parallel.ForEach(regions.Concat(regions), r => r.Dispose());

        // Every lease is gone, and the owner's own reference is intact: a further lease still works.
        using var again = new FileRegion(handle, 0, 10);
        Assert.False(handle.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => regions[0].CopyTo(new byte[10]));
    }
}
