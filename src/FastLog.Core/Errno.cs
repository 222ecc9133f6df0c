namespace FastLog.Core;

/// <summary>
/// Linux errno values FastLog code reacts to (the generic numbers, the same on x86-64 and arm64),
/// to compare with <see cref="NativeIOException.Errno"/>.
/// </summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ETIME = 62;
    public const int EPROTO = 71;
    public const int ENOBUFS = 105;
    public const int EDQUOT = 122;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
    public const int ECANCELED = 125;
}
