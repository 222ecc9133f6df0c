using System.Runtime.InteropServices;

namespace FastLog.LoadTests.Machine;

/// <summary>
/// Drops files' clean pages from the kernel's page cache (posix_fadvise POSIX_FADV_DONTNEED; no
/// root needed, unlike /proc/sys/vm/drop_caches), so a catch-up read measures the disk and not
/// what an earlier read left cached. Pages another process has mapped or dirty stay. A classic
/// DllImport for the reason given in <see cref="Scenarios.MicroSleep"/>.
/// </summary>
internal static class PageCache
{
    private const int PosixFadvDontNeed = 4;

    /// <summary>Evicts every file under <paramref name="directory"/> whose name ends in <paramref name="suffix"/>; returns how many there were.</summary>
    public static int Evict(string directory, string suffix)
    {
        int files = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*" + suffix, SearchOption.AllDirectories))
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _ = PosixFadvise((int)file.DangerousGetHandle(), 0, 0, PosixFadvDontNeed);
            files++;
        }

        return files;
    }

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int PosixFadvise(int fd, long offset, long length, int advice);
}
