using System.Runtime.InteropServices;

namespace FastLog.Core.Interop;

/// <summary>
/// The libc entry points the shard runtime needs: io_uring syscalls, mmap, thread affinity,
/// eventfd. Every call sets errno (<c>SetLastError = true</c>); read it with
/// <see cref="Marshal.GetLastPInvokeError"/> right after a failing call.
/// Linux only. io_uring's syscall numbers (425/426) are the same on every architecture;
/// everything else goes through libc's own wrappers so no other syscall number is hard-coded.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";


    internal const int ProtRead = 0x1;
    internal const int ProtWrite = 0x2;
    internal const int MapShared = 0x01;
    internal const int MapPopulate = 0x8000;
    internal static readonly void* MapFailed = (void*)-1;

    internal const int EfdCloexec = 0x80000;

    private const long SysIoUringSetup = 425;
    private const long SysIoUringEnter = 426;

    /// <summary>Variadic <c>long syscall(long number, ...)</c>; integer arguments travel in the same registers as a fixed-arity call.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    internal static int IoUringSetup(uint entries, IoUringParams* p) =>
        (int)Syscall(SysIoUringSetup, entries, (long)p, 0, 0, 0, 0);

    internal static int IoUringEnter(int fd, uint toSubmit, uint minComplete, uint flags, void* arg, nuint argSize) =>
        (int)Syscall(SysIoUringEnter, fd, toSubmit, minComplete, flags, (long)arg, (long)argSize);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    internal static partial void* Mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(void* addr, nuint length);

    /// <summary>Affinity of the calling thread when <paramref name="pid"/> is 0 (never the whole process).</summary>
    [LibraryImport(Library, EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static partial int SchedSetaffinity(int pid, nuint cpuSetSize, ulong* mask);

    [LibraryImport(Library, EntryPoint = "sched_getaffinity", SetLastError = true)]
    internal static partial int SchedGetaffinity(int pid, nuint cpuSetSize, ulong* mask);

    /// <summary>Kernel thread id of the caller (the TID in /proc/self/task/TID).</summary>
    [LibraryImport(Library, EntryPoint = "gettid")]
    internal static partial int Gettid();

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int Eventfd(uint initval, int flags);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
