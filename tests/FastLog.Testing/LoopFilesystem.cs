using System.Diagnostics;

namespace FastLog.Testing;

/// <summary>
/// A small ext4 filesystem in a sparse image file, loop-mounted (needs root), for tests of a full
/// or read-only disk under a real broker. Dispose unmounts it and deletes the image and the mount
/// point, also after a failed test. One caller at a time.
/// </summary>
public sealed class LoopFilesystem : IDisposable
{
    private readonly string _image;
    private bool _mounted;

    /// <summary>The image and the mount point are named after the same unique temp name.</summary>
    private LoopFilesystem(string name)
    {
        MountPoint = Path.Combine(Path.GetTempPath(), name);
        _image = MountPoint + ".img";
    }

    /// <summary>Where the filesystem is mounted.</summary>
    public string MountPoint { get; }

    /// <summary>Whether this process may mount (root) and mkfs.ext4 is installed: tests that need it return early otherwise.</summary>
    public static bool Available => Environment.UserName == "root" && File.Exists("/sbin/mkfs.ext4");

    /// <summary>Bytes an unprivileged writer could still allocate (no blocks are reserved for root: mkfs -m 0).</summary>
    public long AvailableBytes => new DriveInfo(MountPoint).AvailableFreeSpace;

    /// <summary>Creates, formats and mounts an ext4 of <paramref name="megabytes"/> MB.</summary>
    public static LoopFilesystem Create(int megabytes)
    {
        var filesystem = new LoopFilesystem($"fastlog-loop-{Guid.NewGuid():N}");
        try
        {
            using (var image = File.Create(filesystem._image))
            {
                image.SetLength((long)megabytes << 20);
            }

            Run("/sbin/mkfs.ext4", "-q", "-F", "-m", "0", filesystem._image);
            Directory.CreateDirectory(filesystem.MountPoint);
            filesystem.Mount();
            return filesystem;
        }
        catch
        {
            filesystem.Dispose();
            throw;
        }
    }

    /// <summary>Remounts read-only; refused (busy) while a file is open for writing there, see <see cref="FailWithError"/>.</summary>
    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", MountPoint);

    /// <summary>
    /// Makes ext4 report a filesystem error (its sysfs trigger_fs_error), as a failing disk does:
    /// mounted errors=remount-ro, the kernel aborts the journal and remounts read-only at once, even
    /// with files open for writing, and every write and fdatasync then fails (EROFS).
    /// </summary>
    public void FailWithError()
    {
        var device = Path.GetFileName(Run("findmnt", "-n", "-o", "SOURCE", MountPoint).Trim());
        File.WriteAllText($"/sys/fs/ext4/{device}/trigger_fs_error", "fastlog test: disk failure");
    }

    /// <summary>
    /// Repairs the disk as an operator would after <see cref="FailWithError"/>: unmounts, waits for
    /// the kernel to release the image's loop device, checks the filesystem (e2fsck replays the
    /// journal and clears the error state) and mounts it again, writable. Waiting for the loop device
    /// matters: mount reuses a loop device still attached to the same image, and CI once got the
    /// failed, read-only filesystem back that way.
    /// </summary>
    public void Remount()
    {
        Unmount();
        WaitUntilDetached();
        // e2fsck exits 1 when it corrected something (here: the recorded error), 0 when clean.
        Run(["/sbin/e2fsck", "-f", "-y", _image], acceptedExitCodes: [0, 1]);
        Mount();
        if (!Run("findmnt", "-n", "-o", "OPTIONS", MountPoint).StartsWith("rw", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{MountPoint} came back read-only after its repair");
        }
    }

    /// <summary>Waits (up to 30 s) until no loop device is attached to the image any more.</summary>
    private void WaitUntilDetached()
    {
        for (var attempt = 1; Run("/sbin/losetup", "-j", _image).Trim().Length > 0; attempt++)
        {
            if (attempt == 300)
            {
                throw new InvalidOperationException($"a loop device is still attached to {_image} 30 s after its umount");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// umount, retried for up to 30 s while the kernel says the mount is busy: a stopped broker's
    /// last descriptors (a read lease, a file closed on the thread pool, the file references of an
    /// io_uring the kernel tears down in a deferred worker) can outlive its stop by a
    /// moment on a loaded machine.
    /// </summary>
    private void Unmount()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Run("umount", MountPoint);
                _mounted = false;
                return;
            }
            catch (InvalidOperationException e) when (e.Message.Contains("busy", StringComparison.Ordinal))
            {
                if (attempt == 300)
                {
                    throw new InvalidOperationException($"{e.Message} descriptors of this process there: [{string.Join(", ", OwnDescriptorsUnderMount())}]", e);
                }

                Thread.Sleep(100);
            }
        }
    }

    /// <summary>This process's open descriptors on the mount (fd -> path): what keeps a busy umount busy, when it is us.</summary>
    public IEnumerable<string> OwnDescriptorsUnderMount()
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith(MountPoint, StringComparison.Ordinal))
            {
                yield return $"{Path.GetFileName(fd)} -> {target}";
            }
        }
    }

    private void Mount()
    {
        Run("mount", "-o", "loop,errors=remount-ro", _image, MountPoint);
        _mounted = true;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            // Lazy: a process still holding a file there (a broker being killed) must not leave the mount behind.
            Run("umount", "-l", MountPoint);
            _mounted = false;
        }

        if (Directory.Exists(MountPoint))
        {
            Directory.Delete(MountPoint, recursive: true);
        }

        File.Delete(_image);
    }

    /// <summary>Runs <paramref name="program"/> to its end (at most 60 s) and returns what it printed; throws when it fails.</summary>
    private static string Run(string program, params string[] arguments) => Run([program, .. arguments], acceptedExitCodes: [0]);

    /// <summary>Runs a command line to its end (at most 60 s) and returns what it printed; throws when it exits with another code.</summary>
    private static string Run(string[] commandLine, int[] acceptedExitCodes)
    {
        var (program, arguments) = (commandLine[0], commandLine[1..]);
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 60 s");
        }

        if (!acceptedExitCodes.Contains(process.ExitCode))
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
        }

        return output;
    }
}
