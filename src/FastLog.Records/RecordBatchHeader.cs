using System.Buffers.Binary;
using FastLog.Core;

namespace FastLog.Records;

/// <summary>
/// The 61-byte header of a Kafka RecordBatch v2, the unit FastLog stores verbatim.
/// <code>
///  offset size field                      notes
///  0      8    BaseOffset            i64  assigned by the broker; outside the CRC
///  8      4    Length                i32  bytes after this field: batch size = 12 + Length
///  12     4    PartitionLeaderEpoch  i32  set by the broker; outside the CRC
///  16     1    Magic                 i8   always 2
///  17     4    CRC                   u32  CRC-32C of bytes 21..end (big-endian)
///  21     2    Attributes            i16  bits 0-2 codec, 3 timestamp type (1 = LogAppendTime),
///                                         4 transactional, 5 control
///  23     4    LastOffsetDelta       i32  offsets in the batch = LastOffsetDelta + 1
///  27     8    FirstTimestamp        i64
///  35     8    MaxTimestamp          i64
///  43     8    ProducerId            i64  -1 when not idempotent
///  51     2    ProducerEpoch         i16
///  53     4    BaseSequence          i32
///  57     4    RecordCount           i32
///  61     …    records               opaque to Storage (possibly compressed)
/// </code>
/// <see cref="RecordBatchBuilder"/> writes batches; this type reads, checks and rewrites them.
/// All integers are big-endian. Because the CRC starts at byte 21, BaseOffset and
/// PartitionLeaderEpoch can be rewritten in place without touching it; anything from
/// Attributes on (LogAppendTime) requires recomputing it.
/// </summary>
public readonly struct RecordBatchHeader
{
    public const int BaseOffsetOffset = 0;
    public const int LengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int FirstTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordCountOffset = 57;

    /// <summary>Size of the header; also the smallest valid batch (zero records bytes).</summary>
    public const int Size = 61;

    /// <summary>BaseOffset + Length: the prefix needed to know a batch's total size.</summary>
    public const int LogOverhead = 12;

    public const byte CurrentMagic = 2;

    public const short CompressionCodecMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;

    /// <summary>Highest codec id Kafka defines (zstd).</summary>
    public const int MaxCompressionCodec = (int)CompressionCodec.Zstd;

    public long BaseOffset { get; init; }
    public int Length { get; init; }
    public int PartitionLeaderEpoch { get; init; }
    public byte Magic { get; init; }
    public uint Crc { get; init; }
    public short Attributes { get; init; }
    public int LastOffsetDelta { get; init; }
    public long FirstTimestamp { get; init; }
    public long MaxTimestamp { get; init; }
    public long ProducerId { get; init; }
    public short ProducerEpoch { get; init; }
    public int BaseSequence { get; init; }
    public int RecordCount { get; init; }

    /// <summary>Total bytes of the batch including BaseOffset and Length.</summary>
    public int TotalSize => LogOverhead + Length;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public CompressionCodec CompressionCodec => (CompressionCodec)(Attributes & CompressionCodecMask);

    public bool IsLogAppendTime => (Attributes & TimestampTypeFlag) != 0;

    public bool IsTransactional => (Attributes & TransactionalFlag) != 0;

    public bool IsControl => (Attributes & ControlFlag) != 0;

    /// <summary>Decodes the header fields; <paramref name="batch"/> must hold at least <see cref="Size"/> bytes.</summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < Size)
        {
            throw new ArgumentException($"A RecordBatch header needs {Size} bytes, got {batch.Length}.", nameof(batch));
        }

        return new RecordBatchHeader
        {
            BaseOffset = BinaryPrimitives.ReadInt64BigEndian(batch[BaseOffsetOffset..]),
            Length = BinaryPrimitives.ReadInt32BigEndian(batch[LengthOffset..]),
            PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(batch[PartitionLeaderEpochOffset..]),
            Magic = batch[MagicOffset],
            Crc = BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]),
            Attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]),
            LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]),
            FirstTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[FirstTimestampOffset..]),
            MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[MaxTimestampOffset..]),
            ProducerId = BinaryPrimitives.ReadInt64BigEndian(batch[ProducerIdOffset..]),
            ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(batch[ProducerEpochOffset..]),
            BaseSequence = BinaryPrimitives.ReadInt32BigEndian(batch[BaseSequenceOffset..]),
            RecordCount = BinaryPrimitives.ReadInt32BigEndian(batch[RecordCountOffset..]),
        };
    }

    /// <summary>
    /// Structural check of the batch starting at <paramref name="data"/>[0]: enough bytes,
    /// a sane Length, magic 2 and a matching CRC-32C. On success <paramref name="batchSize"/>
    /// is the batch's total size. This is what recovery trusts, and the first half of what
    /// an append checks (see <see cref="RecordBatchValidator"/> for the producer-level rules).
    /// </summary>
    public static RecordBatchError CheckStructure(ReadOnlySpan<byte> data, out int batchSize)
    {
        batchSize = 0;
        if (data.Length < MagicOffset + 1)
        {
            return RecordBatchError.Truncated;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(data[LengthOffset..]);
        if (length < Size - LogOverhead)
        {
            return RecordBatchError.LengthBelowMinimum;
        }

        if (data[MagicOffset] != CurrentMagic)
        {
            return RecordBatchError.UnsupportedMagic;
        }

        var total = (long)LogOverhead + length;
        if (total > data.Length)
        {
            return RecordBatchError.Truncated;
        }

        var batch = data[..(int)total];
        if (!Crc32C.Matches(batch[CrcOffset..], batch[AttributesOffset..]))
        {
            return RecordBatchError.CrcMismatch;
        }

        batchSize = (int)total;
        return RecordBatchError.None;
    }

    /// <summary>Reads the total size (12 + Length) from the first 12 bytes, without any check.</summary>
    public static long ReadTotalSize(ReadOnlySpan<byte> data) =>
        LogOverhead + (long)BinaryPrimitives.ReadInt32BigEndian(data[LengthOffset..]);

    /// <summary>Assigns the batch's offsets; outside the CRC range, so no CRC update.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], baseOffset);

    /// <summary>Stamps the leader epoch; outside the CRC range, so no CRC update.</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], epoch);

    /// <summary>
    /// Turns the batch into a LogAppendTime batch stamped <paramref name="appendTimeMs"/>:
    /// sets the timestamp-type bit and MaxTimestamp (what consumers read as every record's
    /// timestamp for such batches, as Kafka does) and recomputes the CRC, since both fields
    /// are inside its range. <paramref name="batch"/> must be exactly one whole batch.
    /// </summary>
    public static void SetLogAppendTime(Span<byte> batch, long appendTimeMs)
    {
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], (short)(attributes | TimestampTypeFlag));
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], appendTimeMs);
        UpdateCrc(batch);
    }

    /// <summary>
    /// After a rewrite of the records (the log cleaner): sets Length to fit <paramref name="batch"/>
    /// (exactly one whole batch) and RecordCount to <paramref name="recordCount"/>, keeping
    /// LastOffsetDelta (the batch still spans its original offsets, as Kafka's cleaner keeps it, so
    /// producer sequences stay right), then the CRC.
    /// </summary>
    public static void SetLengthAndCount(Span<byte> batch, int recordCount)
    {
        BinaryPrimitives.WriteInt32BigEndian(batch[LengthOffset..], batch.Length - LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordCountOffset..], recordCount);
        UpdateCrc(batch);
    }

    /// <summary>
    /// Computes the CRC-32C of bytes 21..end and stores it (big-endian) at byte 17: the last step
    /// of building a batch, and of any rewrite inside the CRC range. <paramref name="batch"/> must
    /// be exactly one whole batch.
    /// </summary>
    public static void UpdateCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], Crc32C.Compute(batch[AttributesOffset..]));
}
