using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Core;

/// <summary>
/// A kernel pipe used as the in-kernel buffer of a zero-copy transfer: splice(file -> pipe),
/// then splice(pipe -> socket) through <see cref="IoRing.SpliceAsync"/>. Owned by one shard.
/// </summary>
public sealed partial class KernelPipe : IDisposable
{
    private const int OCloexec = 0x80000;
    private const int FSetPipeSize = 1031;
    private const int FGetPipeSize = 1032;

    private KernelPipe(SafeFileHandle readEnd, SafeFileHandle writeEnd, int capacity)
    {
        ReadEnd = readEnd;
        WriteEnd = writeEnd;
        Capacity = capacity;
    }

    public SafeFileHandle ReadEnd { get; }

    public SafeFileHandle WriteEnd { get; }

    /// <summary>Bytes the pipe holds at most: what one splice into it can move.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Creates a pipe and asks for <paramref name="capacity"/> bytes of buffer; when the system
    /// limit (/proc/sys/fs/pipe-max-size) is lower, the pipe keeps its default size instead.
    /// </summary>
    public static unsafe KernelPipe Create(int capacity)
    {
        int* fds = stackalloc int[2];
        if (Pipe2(fds, OCloexec) < 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), "pipe2");
        }

        var readEnd = new SafeFileHandle(fds[0], ownsHandle: true);
        var writeEnd = new SafeFileHandle(fds[1], ownsHandle: true);
        var size = Fcntl(fds[1], FSetPipeSize, capacity);
        if (size < 0)
        {
            size = Fcntl(fds[1], FGetPipeSize, 0);
        }

        return new KernelPipe(readEnd, writeEnd, size);
    }

    public void Dispose()
    {
        ReadEnd.Dispose();
        WriteEnd.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
