using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>A data directory on a filesystem that went read-only is reported as that, not as "in use by another broker" (root only: loop mount).</summary>
public sealed class ReadOnlyDataDirectoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ReadOnlyDataDirectory_IsReportedAsReadOnly_NotAsLockedByAnotherBroker()
    {
        if (!LoopFilesystem.Available)
        {
            output.WriteLine("skipped: needs root and mkfs.ext4 to loop-mount a small filesystem");
            return;
        }

        using var filesystem = LoopFilesystem.Create(16);
        var data = Path.Combine(filesystem.MountPoint, "data");
        Directory.CreateDirectory(data);
        filesystem.RemountReadOnly();

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(o => o.DataDirectory = data));

        output.WriteLine(error.Message);
        Assert.Contains("Read-only file system", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("another broker", error.Message, StringComparison.Ordinal);
    }
}
