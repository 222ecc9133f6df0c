using System.Runtime.InteropServices;
using FastLog.Core.Interop;

namespace FastLog.Core;

/// <summary>
/// The process's file-descriptor limit (RLIMIT_NOFILE) and how many descriptors it holds, and the
/// locked-memory limit (RLIMIT_MEMLOCK) io_uring rings counted against before Linux 5.12. Linux
/// only; safe on any thread (the kernel serialises the limits, /proc/self/fd is read afresh).
/// </summary>
public static partial class FileDescriptors
{
    private const int RlimitNofile = 7;
    private const int RlimitMemlock = 8;

    /// <summary>RLIMIT_NOFILE now: soft and hard (long.MaxValue for unlimited).</summary>
    public static (long Soft, long Hard) Limit() => Read(RlimitNofile, "RLIMIT_NOFILE");

    /// <summary>RLIMIT_MEMLOCK now, in bytes: soft and hard (long.MaxValue for unlimited).</summary>
    public static (long Soft, long Hard) LockedMemoryLimit() => Read(RlimitMemlock, "RLIMIT_MEMLOCK");

    /// <summary>
    /// Raises the soft limit to the hard one, as Kafka's packaging and Redpanda do: the soft limit
    /// (often 1024) is a default for ordinary programs, not what an operator chose for a broker.
    /// Returns the limit now in force and the soft limit found.
    /// </summary>
    public static (long Limit, long Previous) RaiseSoftLimitToHard()
    {
        if (GetRlimit(RlimitNofile, out var limit) != 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), "getrlimit(RLIMIT_NOFILE)");
        }

        var previous = Clamp(limit.Current);
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetRlimit(RlimitNofile, in raised) == 0)
            {
                return (Clamp(raised.Current), previous);
            }
        }

        return (previous, previous);
    }

    private static (long Soft, long Hard) Read(int resource, string name)
    {
        if (GetRlimit(resource, out var limit) != 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), $"getrlimit({name})");
        }

        return (Clamp(limit.Current), Clamp(limit.Maximum));
    }

    /// <summary>Descriptors open in this process now (the entries of /proc/self/fd, less the one listing them).</summary>
    public static int CountOpen() => Math.Max(0, Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1);

    // RLIM_INFINITY is all ones; a long is plenty for any real limit.
    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, in ResourceLimit limit);
}
