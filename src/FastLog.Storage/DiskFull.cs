using FastLog.Core;

namespace FastLog.Storage;

/// <summary>
/// Tells "the filesystem has no room" (ENOSPC, EDQUOT) from other I/O failures: a full disk is a
/// state that passes when space is freed (the write can be retried, nothing stored is in doubt),
/// while EIO and the like leave the file's state unknown. Public: the broker's admin operations
/// react to it too.
/// </summary>
public static class DiskFull
{
    // .NET reports errno of managed file APIs in HResult (no special exception type for these two).
    private static readonly int[] OutOfSpaceErrnos = [Errno.ENOSPC, Errno.EDQUOT];

    /// <summary>True when <paramref name="error"/> or one of its causes is ENOSPC or EDQUOT.</summary>
    public static bool Is(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            var errno = e is NativeIOException native ? native.Errno : e is IOException ? e.HResult : 0;
            if (OutOfSpaceErrnos.Contains(errno))
            {
                return true;
            }
        }

        return false;
    }
}
