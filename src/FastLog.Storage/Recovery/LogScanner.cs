using FastLog.Records;
using FastLog.Storage.Index;

namespace FastLog.Storage.Recovery;

/// <summary>
/// Walks the bytes of a segment batch by batch, checking each one's length, magic, CRC-32C and
/// offset continuity, and finds where the valid log ends: the recovery truncation point.
/// Fed incrementally so a 1 GiB segment is scanned through a bounded buffer: every
/// <see cref="Scan"/> call receives data starting at <see cref="Position"/> and consumes
/// whole valid batches. Valid batches are reported to the segment's
/// <see cref="SegmentIndexer"/>, which rebuilds the indexes on the way, and to an observer
/// (what else a log rebuilds from batch headers: producer state, leader epochs).
/// </summary>
internal sealed class LogScanner
{
    private readonly SegmentIndexer? _indexer;
    private readonly Action<RecordBatchHeader>? _onBatch;
    private readonly bool _allowGaps;

    /// <param name="position">File position the first chunk starts at.</param>
    /// <param name="nextOffset">BaseOffset the first batch must have.</param>
    /// <param name="indexer">Receives every valid batch (null to only validate).</param>
    /// <param name="onBatch">Also receives every valid batch's header, in log order (null: nobody).</param>
    /// <param name="allowGaps">Closed segments the cleaner may have rewritten: a batch may start past the expected offset (never before it).</param>
    public LogScanner(long position, long nextOffset, SegmentIndexer? indexer, Action<RecordBatchHeader>? onBatch = null, bool allowGaps = false)
    {
        _allowGaps = allowGaps;
        Position = position;
        NextOffset = nextOffset;
        _indexer = indexer;
        _onBatch = onBatch;
    }

    /// <summary>File position just after the last valid batch: where the log must be truncated.</summary>
    public long Position { get; private set; }

    /// <summary>The offset after the last valid batch (the LogEndOffset if the scan stops here).</summary>
    public long NextOffset { get; private set; }

    public int Batches { get; private set; }

    public ScanStop Stop { get; private set; }

    /// <summary>With <see cref="ScanStop.Corrupt"/>: which check failed.</summary>
    public RecordBatchError StopError { get; private set; }

    /// <summary>When <see cref="Stop"/> is None: the next call needs at least this many bytes from <see cref="Position"/>.</summary>
    public int NeededBytes { get; private set; }

    /// <summary>
    /// Consumes whole valid batches from <paramref name="chunk"/>, which starts at
    /// <see cref="Position"/>. <paramref name="bytesToEndOfData"/> is how many bytes the data
    /// (the file) still holds from that position, so a batch longer than the chunk but within
    /// the data means "read more" rather than "torn". Returns the bytes consumed.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> chunk, long bytesToEndOfData)
    {
        if (Stop != ScanStop.None)
        {
            throw new InvalidOperationException($"The scan already stopped ({Stop}).");
        }

        var consumed = 0;
        while (true)
        {
            var rest = chunk[consumed..];
            var dataLeft = bytesToEndOfData - consumed;
            if (dataLeft == 0)
            {
                return Finish(consumed, ScanStop.EndOfData);
            }

            if (rest.Length < RecordBatchHeader.LogOverhead)
            {
                if (dataLeft > rest.Length)
                {
                    return NeedMore(consumed, RecordBatchHeader.LogOverhead);
                }

                return Finish(consumed, rest.IndexOfAnyExcept((byte)0) < 0 ? ScanStop.ZeroFill : ScanStop.Torn);
            }

            if (rest[..RecordBatchHeader.LogOverhead].IndexOfAnyExcept((byte)0) < 0)
            {
                return Finish(consumed, ScanStop.ZeroFill);
            }

            var total = RecordBatchHeader.ReadTotalSize(rest);
            if (total > rest.Length)
            {
                if (total <= dataLeft && total <= int.MaxValue)
                {
                    return NeedMore(consumed, (int)total);
                }

                // Longer than what is left of the data (or absurd): a torn tail, unless the
                // bytes that are there are not even a plausible header.
                return Finish(consumed, IsPlausibleHeader(rest) ? ScanStop.Torn : ScanStop.Corrupt, RecordBatchError.Truncated);
            }

            var error = RecordBatchHeader.CheckStructure(rest, out var size);
            if (error != RecordBatchError.None)
            {
                return Finish(consumed, ScanStop.Corrupt, error);
            }

            var header = RecordBatchHeader.Read(rest);
            if (header.BaseOffset != NextOffset && !(_allowGaps && header.BaseOffset > NextOffset))
            {
                return Finish(consumed, ScanStop.OffsetMismatch);
            }

            _indexer?.OnBatch(header.BaseOffset, header.MaxTimestamp, checked((int)Position), size);
            _onBatch?.Invoke(header);
            NextOffset = header.LastOffset + 1;
            Position += size;
            Batches++;
            consumed += size;
        }
    }

    private static bool IsPlausibleHeader(ReadOnlySpan<byte> rest) =>
        rest.Length <= RecordBatchHeader.MagicOffset || rest[RecordBatchHeader.MagicOffset] == RecordBatchHeader.CurrentMagic;

    private int NeedMore(int consumed, int needed)
    {
        NeededBytes = needed;
        return consumed;
    }

    private int Finish(int consumed, ScanStop stop, RecordBatchError error = RecordBatchError.None)
    {
        Stop = stop;
        StopError = error;
        NeededBytes = 0;
        return consumed;
    }
}
