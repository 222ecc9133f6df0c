using System.Runtime.InteropServices;

namespace FastLog.Core.Interop;

/// <summary>
/// sched_getaffinity / sched_setaffinity for the calling thread (pid 0 = this thread only).
/// A new .NET thread inherits the affinity of the process's main thread, not of its creator, so
/// pinning is done by each shard thread on itself and the main thread is never pinned.
/// </summary>
internal static unsafe class CpuAffinity
{
    private const int MaskWords = 16; // cpu_set_t of 1024 CPUs

    /// <summary>The CPUs the calling thread may run on (container/cgroup limits included), ascending.</summary>
    public static int[] GetAllowedCpus()
    {
        ulong* mask = stackalloc ulong[MaskWords];
        if (Libc.SchedGetaffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), "sched_getaffinity");
        }

        var cpus = new List<int>();
        for (int cpu = 0; cpu < MaskWords * 64; cpu++)
        {
            if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0)
            {
                cpus.Add(cpu);
            }
        }

        return [.. cpus];
    }

    /// <summary>Restricts the calling thread to <paramref name="cpu"/>.</summary>
    public static void PinCurrentThread(int cpu)
    {
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        mask[cpu / 64] = 1UL << (cpu % 64);
        if (Libc.SchedSetaffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), $"sched_setaffinity(cpu {cpu})");
        }
    }
}
