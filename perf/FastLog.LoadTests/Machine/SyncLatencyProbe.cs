using System.Diagnostics;
using FastLog.Core;
using FastLog.LoadTests.Scenarios;

namespace FastLog.LoadTests.Machine;

/// <summary>
/// The latency of one durable small append: a 4 KiB O_DIRECT write at the next block of a
/// preallocated file followed by fdatasync, repeated for a while — the floor under acks=all.
/// </summary>
internal static class SyncLatencyProbe
{
    private const int Block = AlignedBufferPool.Alignment;

    public static LatencySummary Measure(string directory, TimeSpan duration)
    {
        var path = Path.Combine(directory, "sync-probe.tmp");
        var histogram = ScenarioMeter.NewHistogram();
        try
        {
            using var file = NativeFile.TryOpenDirect(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate, out var direct)
                ? direct
                : NativeFile.Open(path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Truncate);
            const long Span = 256L << 20;
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
                histogram.RecordValue(RecordStamp.Micros(started, Stopwatch.GetTimestamp()));
            }

            pool.Return(buffer);
        }
        finally
        {
            File.Delete(path);
        }

        return LatencySummary.From(histogram);
    }
}
