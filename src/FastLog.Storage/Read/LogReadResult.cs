namespace FastLog.Storage.Read;

/// <summary>
/// What a read returns: whole RecordBatches starting at the batch that holds the requested
/// offset, either as memory chunks from the tail cache or as one <see cref="FileRegion"/>
/// (never both), plus the partition's offsets at the time of the read.
///
/// Lease rules: the memory chunks are immutable, GC-managed arrays, valid for as long as they
/// are referenced, on any thread. The file region keeps its segment file open until this
/// result is disposed; dispose it once the bytes are sent, on any thread.
/// </summary>
internal sealed class LogReadResult : IDisposable
{
    private static readonly IReadOnlyList<ReadOnlyMemory<byte>> NoChunks = [];

    private LogReadResult(IReadOnlyList<ReadOnlyMemory<byte>> chunks, FileRegion? file, int length, long highWatermark, long logStartOffset)
    {
        Chunks = chunks;
        File = file;
        Length = length;
        HighWatermark = highWatermark;
        LogStartOffset = logStartOffset;
    }

    /// <summary>Batches from memory, in order (empty when <see cref="File"/> is set or nothing was read).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Chunks { get; }

    /// <summary>Batches as a file range, or null.</summary>
    public FileRegion? File { get; }

    /// <summary>Total bytes of batches returned (0: nothing at or after the offset yet).</summary>
    public int Length { get; }

    public long HighWatermark { get; }

    public long LogStartOffset { get; }

    public static LogReadResult Empty(long highWatermark, long logStartOffset) =>
        new(NoChunks, null, 0, highWatermark, logStartOffset);

    public static LogReadResult FromMemory(IReadOnlyList<ReadOnlyMemory<byte>> chunks, int length, long highWatermark, long logStartOffset) =>
        new(chunks, null, length, highWatermark, logStartOffset);

    public static LogReadResult FromFile(FileRegion file, long highWatermark, long logStartOffset) =>
        new(NoChunks, file, file.Length, highWatermark, logStartOffset);

    /// <summary>All returned bytes in one array (tests and non-zero-copy senders; blocking pread for file regions).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        if (File is { } file)
        {
            file.CopyTo(bytes);
            return bytes;
        }

        var at = 0;
        foreach (var chunk in Chunks)
        {
            chunk.Span.CopyTo(bytes.AsSpan(at));
            at += chunk.Length;
        }

        return bytes;
    }

    public void Dispose() => File?.Dispose();
}
