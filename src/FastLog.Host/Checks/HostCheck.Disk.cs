using System.Globalization;
using FastLog.Core;
using FastLog.Storage.Probes;

namespace FastLog.Host.Checks;

/// <summary>The data directory: writable, on which filesystem, O_DIRECT, free space, and a short probe of the disk under it.</summary>
internal static partial class HostCheck
{
    /// <summary>Space the probes need: the sequential write's file plus the fdatasync probe's preallocated span.</summary>
    private const long ProbeBytes = 64L << 20;
    private const long ProbeSpace = ProbeBytes + (256L << 20) + (64L << 20);

    /// <summary>Under this a new segment cannot even take its preallocation: appends will fail.</summary>
    private const long MinimumFreeBytes = 256L << 20;
    private const long LowFreeBytes = 5L << 30;

    /// <summary>acks=all waits for one fdatasync: above this, durable produce latency is the disk's.</summary>
    private static readonly TimeSpan SlowSync = TimeSpan.FromMilliseconds(10);

    private static List<CheckResult> DataDirectory(string directory, TimeSpan probeDuration)
    {
        var path = Path.GetFullPath(directory);
        var created = !Directory.Exists(path);
        try
        {
            Directory.CreateDirectory(path);
            File.WriteAllBytes(Path.Combine(path, ".check-host.tmp"), [1]);
            File.Delete(Path.Combine(path, ".check-host.tmp"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [CheckResult.Fail("data directory", $"{path} is not writable: {e.Message}", $"mkdir -p {path} && chown <broker user> {path}, or pass --data-dir")];
        }

        try
        {
            var results = new List<CheckResult> { CheckResult.Ok("data directory", $"{path} is writable"), FileSystem(path) };
            var direct = DirectIo(path);
            results.Add(direct);
            var space = FreeSpace(path, out var freeBytes);
            results.Add(space);
            if (freeBytes < ProbeSpace)
            {
                results.Add(CheckResult.Warn("disk probe", "skipped: not enough free space for its files", "free space on the data disk"));
                return results;
            }

            if (direct.Status == CheckStatus.Ok)
            {
                results.Add(WriteRate(path));
            }

            results.Add(SyncLatency(path, probeDuration));
            return results;
        }
        finally
        {
            if (created)
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    /// <summary>
    /// JBOD gains throughput only from separate devices: two log.dirs on one filesystem share its disk
    /// (and its free space) while the broker counts them as two.
    /// </summary>
    private static CheckResult SeparateDisks(List<string> directories)
    {
        const string Name = "log.dirs on separate disks";
        var shared = directories.Select(d => (Directory: d, Source: MountOf(d)?.Source))
            .Where(d => d.Source is not null)
            .GroupBy(d => d.Source)
            .FirstOrDefault(g => g.Count() > 1);
        return shared is null
            ? CheckResult.Ok(Name, $"{directories.Count} directories on {directories.Count} filesystems")
            : CheckResult.Warn(Name, $"{string.Join(" and ", shared.Select(d => d.Directory))} are on one filesystem ({shared.Key}): they share its disk and free space", "give each log.dirs entry its own disk, or list that disk once");
    }

    private static CheckResult FileSystem(string path)
    {
        const string Name = "filesystem";
        if (MountOf(path) is not { } mount)
        {
            return CheckResult.Ok(Name, "unknown (no /proc/self/mountinfo)");
        }

        var detail = $"{mount.Type} ({mount.Source}) mounted on {mount.MountPoint}";
        return mount.Type switch
        {
            "ext4" or "xfs" => CheckResult.Ok(Name, detail),
            "tmpfs" or "ramfs" => CheckResult.Warn(Name, $"{detail}: memory, lost at reboot", "put --data-dir on a disk (ext4 or xfs)"),
            "nfs" or "nfs4" or "cifs" or "fuse" => CheckResult.Warn(Name, $"{detail}: network filesystems break fdatasync and locking guarantees", "put --data-dir on a local disk (ext4 or xfs)"),
            _ => CheckResult.Warn(Name, $"{detail}: FastLog is tested on ext4 and xfs", "put --data-dir on ext4 or xfs"),
        };
    }

    private static CheckResult DirectIo(string path)
    {
        const string Name = "O_DIRECT";
        var probe = Path.Combine(path, ".check-host-direct.tmp");
        try
        {
            if (NativeFile.TryOpenDirect(probe, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate, out var file))
            {
                file.Dispose();
                return CheckResult.Ok(Name, "accepted: logs are written unbuffered through io_uring");
            }

            return CheckResult.Warn(Name, "refused by this filesystem: the broker falls back to buffered writes (page cache, slower durable appends)", "put --data-dir on ext4 or xfs");
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private static CheckResult FreeSpace(string path, out long freeBytes)
    {
        const string Name = "free space";
        freeBytes = new DriveInfo(path).AvailableFreeSpace;
        var detail = string.Create(CultureInfo.InvariantCulture, $"{freeBytes / (double)(1L << 30):F1} GiB available");
        return freeBytes switch
        {
            < MinimumFreeBytes => CheckResult.Fail(Name, $"{detail}: a new segment cannot be allocated", "free space or pass --data-dir on a larger disk"),
            < LowFreeBytes => CheckResult.Warn(Name, $"{detail}: retention must keep the logs this small", "free space, or lower retention.bytes / retention.ms"),
            _ => CheckResult.Ok(Name, detail),
        };
    }

    private static CheckResult WriteRate(string path)
    {
        const string Name = "disk write (O_DIRECT)";
        if (DiskProbe.Measure(path, blockBytes: 1 << 20, bytesPerStream: ProbeBytes, streams: 1) is not { } rate)
        {
            return CheckResult.Warn(Name, "O_DIRECT refused during the probe", "put --data-dir on ext4 or xfs");
        }

        return CheckResult.Ok(Name, string.Create(CultureInfo.InvariantCulture, $"{rate.WriteMBps:F0} MB/s sequential write, {rate.ReadMBps:F0} MB/s read back ({ProbeBytes >> 20} MiB, 1 MiB blocks)"));
    }

    private static CheckResult SyncLatency(string path, TimeSpan duration)
    {
        const string Name = "write + fdatasync";
        var samples = new List<long>();
        SyncLatencyProbe.Measure(path, duration, samples.Add);
        samples.Sort();
        double Percentile(double p) => samples[(int)Math.Min(samples.Count - 1, Math.Ceiling(p / 100 * samples.Count) - 1)] / 1000.0;
        var detail = string.Create(CultureInfo.InvariantCulture, $"4 KiB: p50 {Percentile(50):F2} ms, p99 {Percentile(99):F2} ms over {samples.Count} syncs");
        return Percentile(99) > SlowSync.TotalMilliseconds
            ? CheckResult.Warn(Name, $"{detail}: acks=all latency is bounded below by this", "use a disk with power-loss-protected write cache (NVMe/SSD), or acks=1")
            : CheckResult.Ok(Name, detail);
    }

    private readonly record struct Mount(string MountPoint, string Type, string Source);

    /// <summary>The mount holding <paramref name="path"/>: the longest mount point it starts with, from /proc/self/mountinfo.</summary>
    private static Mount? MountOf(string path)
    {
        if (!File.Exists("/proc/self/mountinfo"))
        {
            return null;
        }

        Mount? best = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue": field 5 is the
            // mount point; after the " - " separator come the filesystem type and the source.
            var halves = line.Split(" - ", 2);
            var fields = halves[0].Split(' ');
            var tail = halves.Length == 2 ? halves[1].Split(' ') : [];
            if (fields.Length < 5 || tail.Length < 2)
            {
                continue;
            }

            var mountPoint = fields[4].Replace("\\040", " ", StringComparison.Ordinal);
            var contains = mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);
            if (contains && (best is null || mountPoint.Length >= best.Value.MountPoint.Length))
            {
                best = new Mount(mountPoint, tail[0], tail[1]);
            }
        }

        return best;
    }
}
