using FastLog.Records;
using FastLog.Storage.IO;
using Microsoft.Win32.SafeHandles;

namespace FastLog.Storage.Compaction;

/// <summary>
/// Reads a closed segment's batches in slices of about <c>sliceBytes</c> (always whole batches, at
/// least one) through the shard's io_uring, so the cleaner's work between two awaits stays bounded.
/// Every batch is checked (structure and CRC-32C) before it is handed out: the cleaner never
/// rewrites bytes that fail the check, it stops instead. Threads: one cleaning on the owner shard.
/// </summary>
internal sealed class SegmentSliceReader(IStorageIo io, SafeFileHandle file, long size, int sliceBytes)
{
    private byte[] _buffer = new byte[sliceBytes];
    private int _filled;

    /// <summary>File position of the next slice.</summary>
    public long Position { get; private set; }

    public bool AtEnd => Position >= size;

    /// <summary>
    /// Reads the next slice and returns its whole batches (back to back, valid until the next call).
    /// Throws <see cref="InvalidDataException"/> at a batch that fails its check or runs past the file.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextAsync()
    {
        var want = (int)Math.Min(_buffer.Length, size - Position);
        await FillAsync(want);
        var span = _buffer.AsSpan(0, _filled);
        var whole = 0;
        while (whole + RecordBatchHeader.LogOverhead <= span.Length)
        {
            var total = RecordBatchHeader.ReadTotalSize(span[whole..]);
            if (total < RecordBatchHeader.Size || Position + whole + total > size)
            {
                throw new InvalidDataException($"batch at byte {Position + whole} has an impossible length {total}");
            }

            if (whole + total > span.Length)
            {
                if (whole > 0)
                {
                    break;
                }

                // One batch larger than the slice: grow the buffer to hold it whole.
                Array.Resize(ref _buffer, (int)total);
                await FillAsync((int)total);
                span = _buffer.AsSpan(0, _filled);
            }

            if (RecordBatchHeader.CheckStructure(span[whole..], out _) is var error and not RecordBatchError.None)
            {
                throw new InvalidDataException($"batch at byte {Position + whole} fails its check: {error.Describe()}");
            }

            whole += (int)total;
        }

        if (whole == 0)
        {
            throw new InvalidDataException($"no whole batch at byte {Position}");
        }

        var slice = _buffer.AsMemory(0, whole);
        Position += whole;
        _filled = 0;
        return slice;
    }

    private async ValueTask FillAsync(int want)
    {
        _filled = 0;
        while (_filled < want)
        {
            var read = await io.ReadAsync(file, _buffer.AsMemory(_filled, want - _filled), Position + _filled);
            if (read == 0)
            {
                break;
            }

            _filled += read;
        }
    }
}
