using FastLog.Testing;

namespace FastLog.Chaos.Deployment;

/// <summary>
/// A broker's data disk for the disk-full fault: a small loop-mounted ext4 (Testing's
/// <see cref="LoopFilesystem"/>, root only) that ballast files fill (preallocated with fallocate,
/// until a 64 KiB one no longer fits) and that freeing them empties again. Dispose frees, unmounts
/// and deletes it.
/// </summary>
internal sealed class BallastDisk : IDisposable
{
    private const int MaxBallastFiles = 64;
    private const long MinBallastBytes = 64 * 1024;

    private readonly LoopFilesystem _filesystem;
    private readonly List<string> _ballast = [];

    private BallastDisk(LoopFilesystem filesystem) => _filesystem = filesystem;

    /// <summary>Where the broker keeps its data on this disk.</summary>
    public string DataDirectory => Path.Combine(_filesystem.MountPoint, "data");

    /// <summary>A <paramref name="megabytes"/> MiB disk; one clear error where loop mounts are not possible.</summary>
    public static BallastDisk Create(int megabytes) => LoopFilesystem.Available
        ? new BallastDisk(LoopFilesystem.Create(megabytes))
        : throw new InvalidOperationException("the disk-full fault needs root and mkfs.ext4 (a loop-mounted ext4); leave out --faults disk");

    public void Fill()
    {
        var size = _filesystem.AvailableBytes;
        while (size >= MinBallastBytes && _ballast.Count < MaxBallastFiles)
        {
            var path = Path.Combine(_filesystem.MountPoint, $"ballast-{_ballast.Count}");
            try
            {
                File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, size).Dispose();
                _ballast.Add(path);
                size = _filesystem.AvailableBytes;
            }
            catch (IOException)
            {
                File.Delete(path);
                size /= 2;
            }
        }
    }

    public void Free()
    {
        foreach (var path in _ballast)
        {
            File.Delete(path);
        }

        _ballast.Clear();
    }

    public void Dispose()
    {
        Free();
        _filesystem.Dispose();
    }
}
