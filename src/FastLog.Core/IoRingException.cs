namespace FastLog.Core;

/// <summary>
/// An io_uring operation (or the ring itself) failed: <see cref="NativeIOException.Errno"/> is the
/// negated CQE result and <see cref="NativeIOException.Operation"/> the operation name
/// (<c>read</c>, <c>write</c>, <c>writev</c>, <c>fsync</c>, <c>fdatasync</c>, <c>accept</c>,
/// <c>connect</c>, <c>recv</c>, <c>send</c>, <c>poll</c>, <c>io_uring_setup</c>, <c>io_uring_enter</c>).
/// </summary>
public sealed class IoRingException : NativeIOException
{
    public IoRingException(int errno, string operation)
        : base(errno, operation)
    {
    }

    public IoRingException(int errno, string operation, string message)
        : base(errno, operation, message)
    {
    }
}
