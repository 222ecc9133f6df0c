using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Core;

/// <summary>
/// The file calls .NET does not expose: open with O_DIRECT / O_DSYNC, fallocate, ftruncate,
/// fdatasync, and the raw descriptor for io_uring. The handles are ordinary
/// <see cref="SafeFileHandle"/>s, so <see cref="RandomAccess"/> works on them too.
/// All calls are synchronous syscalls and may take milliseconds (fallocate, fdatasync): on a
/// shard use <see cref="IoRing.FdatasyncAsync"/> and keep the others off the hot path
/// (open/preallocate segments ahead of need). Failures throw <see cref="NativeIOException"/>.
/// </summary>
public static partial class NativeFile
{
    /// <summary>0644: rw for the owner, r for group and others.</summary>
    public const int DefaultMode = 0x1A4;

    private const int OCreat = 0x40;
    private const int OExcl = 0x80;
    private const int OTrunc = 0x200;
    private const int ODsync = 0x1000;
    private const int OCloexec = 0x80000;

    /// <summary>fallocate mode FALLOC_FL_KEEP_SIZE: reserve blocks without changing the file size.</summary>
    public const int FallocKeepSize = 0x01;

    /// <summary>Opens <paramref name="path"/>; throws <see cref="NativeIOException"/> (Operation "open") on failure.</summary>
    public static SafeFileHandle Open(string path, NativeOpenFlags flags, int mode = DefaultMode)
    {
        var handle = TryOpenCore(path, flags, mode, out int errno);
        return handle ?? throw new NativeIOException(errno, $"open({path})");
    }

    /// <summary>
    /// Opens <paramref name="path"/> with O_DIRECT added to <paramref name="flags"/>. Returns false
    /// (and no handle) when the filesystem refuses O_DIRECT (EINVAL: tmpfs on old kernels, some
    /// overlays), so the caller can fall back to <see cref="Open"/> without it; any other failure throws.
    /// </summary>
    public static bool TryOpenDirect(string path, NativeOpenFlags flags, [NotNullWhen(true)] out SafeFileHandle? handle, int mode = DefaultMode)
    {
        handle = TryOpenCore(path, flags | NativeOpenFlags.Direct, mode, out int errno);
        if (handle is not null)
        {
            return true;
        }

        return errno == Errno.EINVAL ? false : throw new NativeIOException(errno, $"open({path}, O_DIRECT)");
    }

    /// <summary>Allocates (and for mode 0 extends the size over) [offset, offset+length).</summary>
    public static void Allocate(SafeFileHandle file, long offset, long length, int mode = 0) =>
        Check(Fallocate(Descriptor(file), mode, offset, length), "fallocate");

    /// <summary>Sets the file size (truncates or extends with a hole).</summary>
    public static void SetLength(SafeFileHandle file, long length) =>
        Check(Ftruncate(Descriptor(file), length), "ftruncate");

    /// <summary>Blocking fdatasync; prefer <see cref="IoRing.FdatasyncAsync"/> on a shard.</summary>
    public static void DataSync(SafeFileHandle file) =>
        Check(Fdatasync(Descriptor(file)), "fdatasync");

    /// <summary>
    /// fsync of a directory: makes file creations, renames and deletions in it durable (the last step
    /// of an atomic replace: write temp, fsync it, rename, fsync the directory).
    /// </summary>
    public static void SyncDirectory(string path)
    {
        using var directory = Open(path, NativeOpenFlags.ReadOnly);
        Check(Fsync(Descriptor(directory)), $"fsync({path})");
    }

    /// <summary>The raw descriptor; valid only while <paramref name="file"/> is open.</summary>
    public static int Descriptor(SafeHandle file) => (int)file.DangerousGetHandle();

    private static SafeFileHandle? TryOpenCore(string path, NativeOpenFlags flags, int mode, out int errno)
    {
        int fd = OpenNative(path, ToNative(flags), mode);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static int ToNative(NativeOpenFlags flags)
    {
        int native = (int)(flags & (NativeOpenFlags.WriteOnly | NativeOpenFlags.ReadWrite)) | OCloexec;
        native |= flags.HasFlag(NativeOpenFlags.Create) ? OCreat : 0;
        native |= flags.HasFlag(NativeOpenFlags.Exclusive) ? OExcl : 0;
        native |= flags.HasFlag(NativeOpenFlags.Truncate) ? OTrunc : 0;
        native |= flags.HasFlag(NativeOpenFlags.DataSync) ? ODsync : 0;
        native |= flags.HasFlag(NativeOpenFlags.Direct) ? ODirect : 0;
        return native;
    }

    // O_DIRECT is 040000 on x86-64 and 0200000 on arm64 (the only flag here that differs).
    private static int ODirect => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    private static void Check(int result, string operation)
    {
        if (result < 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), operation);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}
