namespace FastLog.Storage.Read;

/// <summary>
/// Bytes reserved in a <see cref="CacheChunk"/>, holding one reference to it: an append's private
/// copy of its batches from the moment it is queued, then the tail-cache entry it becomes.
/// </summary>
internal readonly record struct CacheSlice(CacheChunk Chunk, int Start, int Length)
{
    public Memory<byte> Memory => Chunk.Slice(Start, Length);

    public Span<byte> Span => Memory.Span;

    public void Release() => Chunk.Release();
}
