using System.Globalization;
using FastLog.Core;

namespace FastLog.Storage.Recovery;

/// <summary>
/// Where recovery puts what it cannot serve instead of deleting it: a damaged segment's tail (the
/// bytes from its first bad batch on) and every segment after it, moved into
/// <c>&lt;partition&gt;/quarantine/&lt;UTC time&gt;/</c> under their own names (the tail as
/// <c>&lt;segment&gt;.log.from-byte-&lt;position&gt;</c>), durable before the log is cut. Nothing
/// in there is read again by FastLog: an operator can inspect it and copy batches back by hand
/// (or, once replication exists, a replica repairs the range). Deleting the topic deletes it too.
/// </summary>
internal static class Quarantine
{
    public const string DirectoryName = "quarantine";

    /// <summary>
    /// Copies bytes [<paramref name="tailPosition"/>, end) of segment <paramref name="tailSegment"/>
    /// (when it has any there) and moves segments <paramref name="laterSegments"/> into a new quarantine
    /// directory; returns its path. Blocking: runs once, at open.
    /// </summary>
    public static string Move(string directory, long tailSegment, long tailPosition, IReadOnlyList<long> laterSegments, long nowMs)
    {
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(nowMs).ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var target = Path.Combine(directory, DirectoryName, stamp);
        for (var n = 1; System.IO.Directory.Exists(target); n++)
        {
            target = Path.Combine(directory, DirectoryName, $"{stamp}-{n}");
        }

        System.IO.Directory.CreateDirectory(target);
        CopyTail(SegmentFileNames.Log(directory, tailSegment), tailPosition, target);
        foreach (var baseOffset in laterSegments)
        {
            foreach (var path in new[] { SegmentFileNames.Log(directory, baseOffset), SegmentFileNames.Index(directory, baseOffset), SegmentFileNames.TimeIndex(directory, baseOffset) })
            {
                if (File.Exists(path))
                {
                    File.Move(path, Path.Combine(target, Path.GetFileName(path)));
                }
            }
        }

        // The copies and renames must be on disk before recovery cuts or reuses anything.
        NativeFile.SyncDirectory(target);
        NativeFile.SyncDirectory(Path.Combine(directory, DirectoryName));
        NativeFile.SyncDirectory(directory);
        return target;
    }

    private static void CopyTail(string log, long position, string target)
    {
        using var source = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (source.Length <= position)
        {
            return;
        }

        source.Position = position;
        using var copy = new FileStream(Path.Combine(target, $"{Path.GetFileName(log)}.from-byte-{position}"), FileMode.CreateNew, FileAccess.Write);
        source.CopyTo(copy);
        copy.Flush(flushToDisk: true);
    }
}
