using System.Buffers.Binary;
using FastLog.Core;
using FastLog.Storage.Index;

namespace FastLog.Storage.Recovery;

/// <summary>
/// The recovery checkpoint of one partition (<c>partition.checkpoint</c>): up to where the log is
/// known durable and verified, with the index state at that point, so a restart scans only
/// what came after it; plus the LogStartOffset (DeleteRecords), the high watermark (replication
/// restarts from it) and the clean-shutdown flag that lets a restart after a clean close skip
/// scanning altogether.
///
/// The file has two 4096-byte slots, written alternately (slot = Sequence % 2) and
/// fdatasync'ed, so a write torn by a crash leaves the other slot intact; the valid slot with
/// the higher Sequence wins. No rename is needed, so it fits io_uring writes.
/// <code>
/// slot (4096 bytes, big-endian; bytes 92..4095 are zero):
///  0   4  Magic                    "FLCP" (0x464C4350)
///  4   2  Version                  1
///  6   2  Flags                    bit 0: clean shutdown (everything below is exact; no scan)
///                                  bit 1: bytes 80..91 hold the high watermark
///  8   8  Sequence                 i64, +1 per write
///  16  8  LogStartOffset           i64
///  24  8  SegmentBaseOffset        i64  segment the position below refers to (the active one)
///  32  8  SegmentPosition          i64  bytes of that segment durable and verified
///  40  8  NextOffset               i64  LogEndOffset at that position
///  48  4  OffsetIndexEntries       i32  entries of that segment's .index persisted and covered
///  52  4  TimeIndexEntries         i32  same for .timeindex
///  56  8  MaxTimestamp             i64  segment's max batch timestamp so far (-1 none)
///  64  8  OffsetOfMaxTimestamp     i64
///  72  4  BytesSinceLastIndexEntry i32
///  76  4  CRC-32C of bytes 0..75   u32
///  80  8  HighWatermark            i64  (flag bit 1)
///  88  4  CRC-32C of bytes 80..87  u32  (flag bit 1)
/// </code>
/// The high watermark came later as an extension rather than a new version: slots without
/// flag bit 1 (written before it) still read, and a build that predates it still reads these
/// slots (it checks bytes 0..79 and flag bit 0 only), so neither an upgrade nor a downgrade
/// loses the checkpoint and with it the LogStartOffset.
/// Every segment before SegmentBaseOffset is closed: complete, trimmed to its length and with
/// complete index files, all fdatasync'ed before the checkpoint naming a later segment was written.
/// </summary>
internal readonly record struct PartitionCheckpoint(
    long Sequence,
    bool CleanShutdown,
    long LogStartOffset,
    long SegmentBaseOffset,
    long SegmentPosition,
    long NextOffset,
    IndexerState Indexer,
    long HighWatermark = PartitionCheckpoint.NoHighWatermark)
{
    public const int SlotSize = 4096;
    public const int FileSize = 2 * SlotSize;

    /// <summary><see cref="HighWatermark"/> of a slot written before the field existed.</summary>
    public const long NoHighWatermark = -1;

    private const uint Magic = 0x464C4350;
    private const ushort Version = 1;
    private const ushort CleanShutdownFlag = 1;
    private const ushort HighWatermarkFlag = 2;
    private const int CrcOffset = 76;
    private const int HighWatermarkOffset = 80;
    private const int HighWatermarkCrcOffset = 88;
    private const int EncodedSize = 92;

    /// <summary>Byte offset in the file this checkpoint's slot is written to.</summary>
    public long SlotOffset => (Sequence & 1) * SlotSize;

    /// <summary>Encodes into a slot; <paramref name="slot"/> must be <see cref="SlotSize"/> bytes.</summary>
    public void Write(Span<byte> slot)
    {
        if (slot.Length != SlotSize)
        {
            throw new ArgumentException($"A checkpoint slot is {SlotSize} bytes.", nameof(slot));
        }

        slot.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(slot, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(slot[4..], Version);
        var hasHighWatermark = HighWatermark != NoHighWatermark;
        BinaryPrimitives.WriteUInt16BigEndian(slot[6..], (ushort)((CleanShutdown ? CleanShutdownFlag : 0) | (hasHighWatermark ? HighWatermarkFlag : 0)));
        BinaryPrimitives.WriteInt64BigEndian(slot[8..], Sequence);
        BinaryPrimitives.WriteInt64BigEndian(slot[16..], LogStartOffset);
        BinaryPrimitives.WriteInt64BigEndian(slot[24..], SegmentBaseOffset);
        BinaryPrimitives.WriteInt64BigEndian(slot[32..], SegmentPosition);
        BinaryPrimitives.WriteInt64BigEndian(slot[40..], NextOffset);
        BinaryPrimitives.WriteInt32BigEndian(slot[48..], Indexer.OffsetEntries);
        BinaryPrimitives.WriteInt32BigEndian(slot[52..], Indexer.TimeEntries);
        BinaryPrimitives.WriteInt64BigEndian(slot[56..], Indexer.MaxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(slot[64..], Indexer.OffsetOfMaxTimestamp);
        BinaryPrimitives.WriteInt32BigEndian(slot[72..], Indexer.BytesSinceLastEntry);
        BinaryPrimitives.WriteUInt32BigEndian(slot[CrcOffset..], Crc32C.Compute(slot[..CrcOffset]));
        if (hasHighWatermark)
        {
            BinaryPrimitives.WriteInt64BigEndian(slot[HighWatermarkOffset..], HighWatermark);
            BinaryPrimitives.WriteUInt32BigEndian(slot[HighWatermarkCrcOffset..], Crc32C.Compute(slot[HighWatermarkOffset..HighWatermarkCrcOffset]));
        }
    }

    /// <summary>The newest valid checkpoint in the file's bytes, or null if neither slot is valid.</summary>
    public static PartitionCheckpoint? ReadLatest(ReadOnlySpan<byte> file)
    {
        PartitionCheckpoint? best = null;
        for (var offset = 0; offset + EncodedSize <= file.Length && offset < FileSize; offset += SlotSize)
        {
            var candidate = TryRead(file[offset..]);
            if (candidate is { } c && (best is null || c.Sequence > best.Value.Sequence))
            {
                best = c;
            }
        }

        return best;
    }

    private static PartitionCheckpoint? TryRead(ReadOnlySpan<byte> slot)
    {
        if (BinaryPrimitives.ReadUInt32BigEndian(slot) != Magic
            || BinaryPrimitives.ReadUInt16BigEndian(slot[4..]) != Version
            || !Crc32C.Matches(slot[CrcOffset..], slot[..CrcOffset]))
        {
            return null;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(slot[6..]);
        var highWatermark = NoHighWatermark;
        if ((flags & HighWatermarkFlag) != 0)
        {
            if (!Crc32C.Matches(slot[HighWatermarkCrcOffset..], slot[HighWatermarkOffset..HighWatermarkCrcOffset]))
            {
                return null;
            }

            highWatermark = BinaryPrimitives.ReadInt64BigEndian(slot[HighWatermarkOffset..]);
        }

        var checkpoint = new PartitionCheckpoint(
            Sequence: BinaryPrimitives.ReadInt64BigEndian(slot[8..]),
            CleanShutdown: (flags & CleanShutdownFlag) != 0,
            LogStartOffset: BinaryPrimitives.ReadInt64BigEndian(slot[16..]),
            SegmentBaseOffset: BinaryPrimitives.ReadInt64BigEndian(slot[24..]),
            SegmentPosition: BinaryPrimitives.ReadInt64BigEndian(slot[32..]),
            NextOffset: BinaryPrimitives.ReadInt64BigEndian(slot[40..]),
            Indexer: new IndexerState(
                OffsetEntries: BinaryPrimitives.ReadInt32BigEndian(slot[48..]),
                TimeEntries: BinaryPrimitives.ReadInt32BigEndian(slot[52..]),
                MaxTimestamp: BinaryPrimitives.ReadInt64BigEndian(slot[56..]),
                OffsetOfMaxTimestamp: BinaryPrimitives.ReadInt64BigEndian(slot[64..]),
                BytesSinceLastEntry: BinaryPrimitives.ReadInt32BigEndian(slot[72..])),
            HighWatermark: highWatermark);

        // A CRC-valid slot with impossible values was not written by us: ignore it rather than trust it.
        return checkpoint.SegmentPosition < 0 || checkpoint.NextOffset < checkpoint.SegmentBaseOffset
            || checkpoint.LogStartOffset < 0 || checkpoint.Indexer.OffsetEntries < 0 || checkpoint.Indexer.TimeEntries < 0
            || checkpoint.HighWatermark < NoHighWatermark
            ? null
            : checkpoint;
    }
}
