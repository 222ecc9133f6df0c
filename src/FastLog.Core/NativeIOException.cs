using System.Runtime.InteropServices;

namespace FastLog.Core;

/// <summary>
/// A failed native call: carries the errno and the name of the operation so callers can
/// branch on the error (e.g. <c>EINVAL</c> from an O_DIRECT open means "fall back to buffered").
/// Not sealed: <see cref="IoRingException"/> narrows it to io_uring operations.
/// </summary>
public class NativeIOException : IOException
{
    public NativeIOException(int errno, string operation)
        : this(errno, operation, $"{operation} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
    }

    protected NativeIOException(int errno, string operation, string message)
        : base(message)
    {
        Errno = errno;
        Operation = operation;
        HResult = errno;
    }

    /// <summary>The positive errno value (e.g. 22 for EINVAL).</summary>
    public int Errno { get; }

    /// <summary>The failed operation, e.g. <c>open</c>, <c>fallocate</c>, <c>write</c>.</summary>
    public string Operation { get; }
}
