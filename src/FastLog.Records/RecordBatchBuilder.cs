using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FastLog.Records;

/// <summary>
/// Builds one complete RecordBatch v2 (header layout in <see cref="RecordBatchHeader"/>, CRC-32C
/// included): the one writer of batches for the broker's own logs, the load tool's wire client,
/// benchmarks and tests. Set the header fields, then either
/// <list type="bullet">
/// <item><see cref="Build"/> / <see cref="WriteTo"/>: encode <see cref="KeyValueRecord"/>s as
/// uncompressed records, offset deltas 0, 1, 2 ...; or</item>
/// <item><see cref="BuildPassthrough"/>: put a records body the caller already encoded (as a
/// producer sends it compressed) after the header unchanged.</item>
/// </list>
/// Each record of an uncompressed body:
/// <code>
///  length          varint   bytes of the rest of the record
///  attributes      i8       0 (unused by Kafka)
///  timestampDelta  varlong  from FirstTimestamp
///  offsetDelta     varint   index in the batch
///  keyLength       varint   -1 = null, then the key bytes
///  valueLength     varint   -1 = null (tombstone), then the value bytes
///  headerCount     varint   then per header: keyLength varint + UTF-8 key, valueLength varint (-1 = null) + value
/// </code>
/// The builder writes what it is told, invalid batches included (tests need those):
/// <see cref="RecordBatchValidator"/> judges them. Immutable once built: any thread.
/// </summary>
public sealed class RecordBatchBuilder
{
    /// <summary>0 by default: the log assigns offsets on append.</summary>
    public long BaseOffset { get; init; }

    /// <summary>-1 (none) by default: the leader stamps its epoch on append.</summary>
    public int PartitionLeaderEpoch { get; init; } = -1;

    /// <summary>-1 by default: not an idempotent producer.</summary>
    public long ProducerId { get; init; } = -1;

    public short ProducerEpoch { get; init; } = -1;

    public int BaseSequence { get; init; } = -1;

    public bool IsTransactional { get; init; }

    /// <summary>A control batch (transaction markers); only the broker writes those.</summary>
    public bool IsControl { get; init; }

    public TimestampType TimestampType { get; init; }

    public required long FirstTimestamp { get; init; }

    /// <summary>
    /// Null by default: FirstTimestamp plus the largest record TimestampDelta (what Kafka's
    /// producers write); FirstTimestamp for <see cref="BuildPassthrough"/>, whose records stay unread.
    /// </summary>
    public long? MaxTimestamp { get; init; }

    /// <summary>The batch of <paramref name="records"/>, uncompressed.</summary>
    public byte[] Build(IReadOnlyList<KeyValueRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = new byte[RecordBatchHeader.Size + SizeOfRecords(records)];
        Write(batch, records);
        return batch;
    }

    /// <summary>
    /// Appends the batch of <paramref name="records"/> to <paramref name="output"/> (no array of its
    /// own: the load tool builds thousands a second); returns its size.
    /// </summary>
    public int WriteTo(IBufferWriter<byte> output, IReadOnlyList<KeyValueRecord> records)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);
        var size = RecordBatchHeader.Size + SizeOfRecords(records);
        Write(output.GetSpan(size)[..size], records);
        output.Advance(size);
        return size;
    }

    /// <summary>
    /// The batch whose records are <paramref name="records"/> as the caller encoded them:
    /// compressed with <paramref name="codec"/> as a producer sends them, or, with
    /// <see cref="CompressionCodec.None"/>, opaque bytes for readers that never look inside (the
    /// log's own tests). <paramref name="recordCount"/> goes in RecordCount and LastOffsetDelta.
    /// </summary>
    public byte[] BuildPassthrough(ReadOnlySpan<byte> records, int recordCount, CompressionCodec codec)
    {
        var batch = new byte[RecordBatchHeader.Size + records.Length];
        records.CopyTo(batch.AsSpan(RecordBatchHeader.Size));
        WriteHeader(batch, recordCount, codec, MaxTimestamp ?? FirstTimestamp);
        return batch;
    }

    private static int SizeOfRecords(IReadOnlyList<KeyValueRecord> records)
    {
        var size = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = SizeOfRecord(records[i], i);
            size += VarIntCodec.SizeOfVarInt(record) + record;
        }

        return size;
    }

    /// <summary>Bytes of one record after its length prefix.</summary>
    private static int SizeOfRecord(in KeyValueRecord record, int offsetDelta)
    {
        var size = 1 + VarIntCodec.SizeOfVarLong(record.TimestampDelta) + VarIntCodec.SizeOfVarInt(offsetDelta)
            + SizeOfBytes(record.Key) + SizeOfBytes(record.Value);
        var headers = record.Headers ?? [];
        size += VarIntCodec.SizeOfVarInt(headers.Count);
        foreach (var header in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            size += VarIntCodec.SizeOfVarInt(keyBytes) + keyBytes + SizeOfBytes(header.Value);
        }

        return size;
    }

    private static int SizeOfBytes(byte[]? bytes) =>
        bytes is null ? VarIntCodec.SizeOfVarInt(-1) : VarIntCodec.SizeOfVarInt(bytes.Length) + bytes.Length;

    private static int WriteRecord(Span<byte> destination, in KeyValueRecord record, int offsetDelta)
    {
        var at = VarIntCodec.WriteVarInt(destination, SizeOfRecord(record, offsetDelta));
        destination[at++] = 0; // attributes
        at += VarIntCodec.WriteVarLong(destination[at..], record.TimestampDelta);
        at += VarIntCodec.WriteVarInt(destination[at..], offsetDelta);
        at += WriteBytes(destination[at..], record.Key);
        at += WriteBytes(destination[at..], record.Value);
        var headers = record.Headers ?? [];
        at += VarIntCodec.WriteVarInt(destination[at..], headers.Count);
        foreach (var header in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            at += VarIntCodec.WriteVarInt(destination[at..], keyBytes);
            at += Encoding.UTF8.GetBytes(header.Key, destination[at..]);
            at += WriteBytes(destination[at..], header.Value);
        }

        return at;
    }

    private static int WriteBytes(Span<byte> destination, byte[]? bytes)
    {
        if (bytes is null)
        {
            return VarIntCodec.WriteVarInt(destination, -1);
        }

        var at = VarIntCodec.WriteVarInt(destination, bytes.Length);
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    /// <summary>Writes the records into <paramref name="batch"/> (exactly the batch's size), then the header.</summary>
    private void Write(Span<byte> batch, IReadOnlyList<KeyValueRecord> records)
    {
        var at = RecordBatchHeader.Size;
        long maxDelta = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            at += WriteRecord(batch[at..], record, i);
            maxDelta = Math.Max(maxDelta, record.TimestampDelta);
        }

        WriteHeader(batch, records.Count, CompressionCodec.None, MaxTimestamp ?? FirstTimestamp + maxDelta);
    }

    /// <summary>Fills bytes 0..60 of <paramref name="batch"/> (exactly one whole batch, records in place) and its CRC.</summary>
    private void WriteHeader(Span<byte> batch, int recordCount, CompressionCodec codec, long maxTimestamp)
    {
        var attributes = (short)((short)codec & RecordBatchHeader.CompressionCodecMask);
        if (TimestampType == TimestampType.LogAppendTime)
        {
            attributes |= RecordBatchHeader.TimestampTypeFlag;
        }

        if (IsTransactional)
        {
            attributes |= RecordBatchHeader.TransactionalFlag;
        }

        if (IsControl)
        {
            attributes |= RecordBatchHeader.ControlFlag;
        }

        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.BaseOffsetOffset..], BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.LengthOffset..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.PartitionLeaderEpochOffset..], PartitionLeaderEpoch);
        batch[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.LastOffsetDeltaOffset..], recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.FirstTimestampOffset..], FirstTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.ProducerIdOffset..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.ProducerEpochOffset..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BaseSequenceOffset..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.RecordCountOffset..], recordCount);
        RecordBatchHeader.UpdateCrc(batch);
    }
}
