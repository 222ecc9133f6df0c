using System.Diagnostics;
using FastLog.Core;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.Probes;

/// <summary>
/// The disk's sequential limits the way the broker uses it. Write: O_DIRECT, 4096-aligned buffers
/// of the broker's flush size, into space preallocated with fallocate, one sequential stream per
/// file (a partition's segment), then one fdatasync. Read: the same files read back O_DIRECT in
/// the same block size (no page cache: what a catch-up of a log that is not cached can get at
/// most; a virtual disk's host may still cache recently written blocks). Streams run on their own
/// threads. Used by the bench (the limits its figures are judged against) and by
/// `fastlog check-host`.
/// </summary>
public static class DiskProbe
{
    /// <returns>MB/s (10^6 bytes) over all streams, written then read; null when the directory's filesystem refuses O_DIRECT.</returns>
    public static (double WriteMBps, double ReadMBps)? Measure(string directory, int blockBytes, long bytesPerStream, int streams)
    {
        var paths = Enumerable.Range(0, streams).Select(i => Path.Combine(directory, $"disk-probe-{i}.tmp")).ToList();
        var files = new List<SafeFileHandle>();
        try
        {
            foreach (var path in paths)
            {
                if (!NativeFile.TryOpenDirect(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate, out var file))
                {
                    return null;
                }

                files.Add(file);
                NativeFile.Allocate(file, 0, bytesPerStream);
            }

            double write = Timed(files, file => Stream(file, blockBytes, bytesPerStream, write: true), streams * bytesPerStream);
            double read = Timed(files, file => Stream(file, blockBytes, bytesPerStream, write: false), streams * bytesPerStream);
            return (write, read);
        }
        finally
        {
            files.ForEach(f => f.Dispose());
            paths.ForEach(File.Delete);
        }
    }

    private static double Timed(List<SafeFileHandle> files, Action<SafeFileHandle> stream, long totalBytes)
    {
        long started = Stopwatch.GetTimestamp();
        var threads = files.Select(file => new Thread(() => stream(file))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return totalBytes / Stopwatch.GetElapsedTime(started).TotalSeconds / 1e6;
    }

    private static void Stream(SafeFileHandle file, int blockBytes, long bytes, bool write)
    {
        using var pool = new AlignedBufferPool(blockBytes, preallocate: 1);
        var buffer = pool.Rent();
        buffer.Span.Fill(0x5a);
        for (long offset = 0; offset < bytes; offset += blockBytes)
        {
            var block = buffer.Span[..(int)Math.Min(blockBytes, bytes - offset)];
            if (write)
            {
                RandomAccess.Write(file, block, offset);
            }
            else if (RandomAccess.Read(file, block, offset) <= 0)
            {
                throw new IOException($"disk probe file ended at {offset} of {bytes} bytes");
            }
        }

        if (write)
        {
            NativeFile.DataSync(file);
        }

        pool.Return(buffer);
    }
}
