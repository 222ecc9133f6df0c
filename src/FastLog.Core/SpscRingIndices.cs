using System.Runtime.InteropServices;

namespace FastLog.Core;

/// <summary>
/// The two indices of a <see cref="SpscRing{T}"/>, each on its own 128-byte block (two cache
/// lines, because the adjacent-line prefetcher pulls lines in pairs) so the producer's stores to
/// <see cref="Tail"/> never invalidate the consumer's line holding <see cref="Head"/>, and the
/// leading 128 bytes keep both away from whatever precedes the struct in the owning object.
/// <code>
///   0..127   padding
/// 128..135   Head        written by the consumer only (release), read by the producer (acquire)
/// 256..263   Tail        written by the producer only (release), read by the consumer (acquire)
/// 264..271   CachedHead  producer-private copy of Head, refreshed only when the ring looks full
/// 384        end
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 384)]
internal struct SpscRingIndices
{
    [FieldOffset(128)] public long Head;
    [FieldOffset(256)] public long Tail;
    [FieldOffset(264)] public long CachedHead;
}
