namespace FastLog.Storage.Read;

/// <summary>
/// What a read returns: whole RecordBatches starting at the batch that holds the requested
/// offset, either as memory chunks from the tail cache or as one <see cref="FileRegion"/>
/// (never both), plus the partition's offsets at the time of the read.
///
/// Lease rules: the memory chunks are immutable tail-cache bytes, and the file region keeps its
/// segment file open; both stay valid until this result is disposed (the cache chunks are leased,
/// see <see cref="CacheChunk"/>). Dispose it once the bytes are sent, on any thread.
/// </summary>
public sealed class LogReadResult : IDisposable
{
    private static readonly IReadOnlyList<ReadOnlyMemory<byte>> NoChunks = [];
    private static readonly IReadOnlyList<CacheChunk> NoLeases = [];

    private readonly IReadOnlyList<CacheChunk> _leases;
    private int _disposed;

    private LogReadResult(IReadOnlyList<ReadOnlyMemory<byte>> chunks, IReadOnlyList<CacheChunk> leases, FileRegion? file, int length, long highWatermark, long logStartOffset)
    {
        Chunks = chunks;
        _leases = leases;
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
        new(NoChunks, NoLeases, null, 0, highWatermark, logStartOffset);

    /// <summary>Cache bytes; takes over one reference on each of <paramref name="leases"/>.</summary>
    public static LogReadResult FromMemory(IReadOnlyList<ReadOnlyMemory<byte>> chunks, IReadOnlyList<CacheChunk> leases, int length, long highWatermark, long logStartOffset) =>
        new(chunks, leases, null, length, highWatermark, logStartOffset);

    public static LogReadResult FromFile(FileRegion file, long highWatermark, long logStartOffset) =>
        new(NoChunks, NoLeases, file, file.Length, highWatermark, logStartOffset);

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

    /// <summary>Releases the leases; a second call does nothing (a double release would hand a chunk out while still in use).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        File?.Dispose();
        foreach (var chunk in _leases)
        {
            chunk.Release();
        }
    }
}
