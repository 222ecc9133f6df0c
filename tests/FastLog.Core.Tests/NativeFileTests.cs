namespace FastLog.Core.Tests;

public sealed class NativeFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlog-nativefile-{Guid.NewGuid():N}.dat");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Open_MissingFileWithoutCreate_ThrowsWithErrno()
    {
        var error = Assert.Throws<NativeIOException>(() => NativeFile.Open(_path, NativeOpenFlags.ReadOnly));
        Assert.Equal(2, error.Errno); // ENOENT
        Assert.StartsWith("open(", error.Operation, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateSetLengthDataSync_OnADirectHandle()
    {
        Assert.True(NativeFile.TryOpenDirect(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create, out var file));
        using (file)
        {
            Assert.True(NativeFile.Descriptor(file) > 2);
            NativeFile.Allocate(file, 0, 1 << 20);
            Assert.Equal(1 << 20, RandomAccess.GetLength(file));
            NativeFile.Allocate(file, 1 << 20, 1 << 20, NativeFile.FallocKeepSize);
            Assert.Equal(1 << 20, RandomAccess.GetLength(file));
            NativeFile.SetLength(file, 12_345);
            Assert.Equal(12_345, RandomAccess.GetLength(file));
            NativeFile.DataSync(file);
        }

        Assert.Throws<NativeIOException>(() =>
            NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Exclusive).Dispose());
    }
}
