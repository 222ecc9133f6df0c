using System.Diagnostics;
using FastLog.Core;

namespace FastLog.Storage.Probes;

/// <summary>
/// The latency of one durable small append: a 4 KiB O_DIRECT write at the next block of a
/// preallocated file followed by fdatasync, repeated for a while — the floor under acks=all.
/// Each sample goes to the caller's callback (microseconds, at least 1), which keeps its own statistics:
/// the bench a histogram, `fastlog check-host` a sorted list.
/// </summary>
public static class SyncLatencyProbe
{
    private const int Block = AlignedBufferPool.Alignment;

    /// <summary>Preallocated span the probe writes around in: small enough for any data disk.</summary>
    private const long Span = 256L << 20;

    public static void Measure(string directory, TimeSpan duration, Action<long> recordMicroseconds)
    {
        ArgumentNullException.ThrowIfNull(recordMicroseconds);
        var path = Path.Combine(directory, "sync-probe.tmp");
        try
        {
            using var file = NativeFile.TryOpenDirect(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate, out var direct)
                ? direct
                : NativeFile.Open(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate);
            NativeFile.Allocate(file, 0, Span);
            using var pool = new AlignedBufferPool(Block, preallocate: 1);
            var buffer = pool.Rent();
            buffer.Span.Fill(0x5a);
            long until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            for (long offset = 0; Stopwatch.GetTimestamp() < until; offset = (offset + Block) % Span)
            {
                long started = Stopwatch.GetTimestamp();
                RandomAccess.Write(file, buffer.Span, offset);
                NativeFile.DataSync(file);
                recordMicroseconds(Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
            }

            pool.Return(buffer);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
