using System.Diagnostics;
using FastLog.Core;
using Microsoft.Win32.SafeHandles;

namespace FastLog.LoadTests.Machine;

/// <summary>
/// The disk's sequential write limit the way the broker writes: O_DIRECT, 4096-aligned buffers of
/// the broker's flush size, into space preallocated with fallocate, one sequential stream per file
/// (a partition's segment), then one fdatasync. Streams run on their own threads.
/// </summary>
internal static class DiskWriteProbe
{
    /// <returns>MB/s (10^6 bytes) over all streams, or null when the directory's filesystem refuses O_DIRECT.</returns>
    public static double? Measure(string directory, int blockBytes, long bytesPerStream, int streams)
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

            long started = Stopwatch.GetTimestamp();
            var threads = files.Select(file => new Thread(() => WriteStream(file, blockBytes, bytesPerStream))).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return streams * bytesPerStream / Stopwatch.GetElapsedTime(started).TotalSeconds / 1e6;
        }
        finally
        {
            files.ForEach(f => f.Dispose());
            paths.ForEach(File.Delete);
        }
    }

    private static void WriteStream(SafeFileHandle file, int blockBytes, long bytes)
    {
        using var pool = new AlignedBufferPool(blockBytes, preallocate: 1);
        var buffer = pool.Rent();
        buffer.Span.Fill(0x5a);
        for (long offset = 0; offset < bytes; offset += blockBytes)
        {
            RandomAccess.Write(file, buffer.Span[..(int)Math.Min(blockBytes, bytes - offset)], offset);
        }

        NativeFile.DataSync(file);
        pool.Return(buffer);
    }
}
