using FastLog.Records;

namespace FastLog.Storage.Compaction;

/// <summary>
/// The cleaning rules for single batches (pure logic over bytes, Kafka's LogCleaner rules):
/// <list type="bullet">
/// <item><see cref="Map"/>, the first pass over the dirty section: every keyed record's offset goes
/// into the <see cref="OffsetMap"/>, so the map ends up holding the latest offset of each key.</item>
/// <item><see cref="Clean"/>, the second pass over every cleanable segment: a record stays when it
/// has no key, lies at or past the mapped end, or is the latest for its key; a tombstone (null
/// value) that is the latest goes once its offset is below the tombstone horizon (delete.retention.ms
/// after a pass first reached it). Kept records are copied verbatim and the batch rebuilt with its
/// header (<see cref="RecordBatchRecords.Rebuild"/>); a batch left without records is dropped, except
/// the last batch of an idempotent producer, which stays as an empty batch (RecordCount 0,
/// offsets, sequence and epoch intact) as Kafka keeps it, so producer state can be rebuilt from the log.</item>
/// </list>
/// Compressed batches (every Kafka codec, <see cref="RecordCompression"/>) are decompressed, filtered
/// and compressed again with their own codec. Control batches and transactional batches (their
/// records may be aborted, so they must not hide earlier values) are kept whole and their keys left
/// out of the map; since such a batch may hold an older value of a key whose tombstone comes later,
/// no tombstone after one is removed in that pass.
/// Threads: one cleaning on the owner shard.
/// </summary>
internal sealed class BatchCleaner(OffsetMap map, long mapEnd, long tombstoneHorizon, int maxDecompressedBytes)
{
    private bool _opaqueSeen;

    public long RecordsRemoved { get; private set; }

    /// <summary>Latest-for-their-key tombstones this pass had to keep because delete.retention.ms had not passed for them.</summary>
    public long TombstonesKept { get; private set; }

    /// <summary>Pass one: maps the batch's keys; false (nothing mapped) when they might not fit — the dirty section ends before it.</summary>
    public static bool Map(OffsetMap map, ReadOnlySpan<byte> batch, int maxDecompressedBytes)
    {
        var header = RecordBatchHeader.Read(batch);
        if (header.IsControl || header.IsTransactional)
        {
            return true;
        }

        var records = RecordBatchRecords.Read(batch, maxDecompressedBytes);
        if (!map.HasRoomFor(records.Records.Count))
        {
            return false;
        }

        foreach (var record in records.Records)
        {
            if (record.HasKey)
            {
                map.TryPut(records.Body.Span.Slice(record.KeyStart, record.KeyLength), header.BaseOffset + record.OffsetDelta);
            }
        }

        return true;
    }

    /// <summary>
    /// Pass two: the batch as it is to be written to the cleaned segment — the same bytes when
    /// nothing goes, a rebuilt batch, or null when it goes entirely. <paramref name="lastOfProducer"/>:
    /// it is its producer's latest batch.
    /// </summary>
    public ReadOnlyMemory<byte>? Clean(ReadOnlyMemory<byte> batch, bool lastOfProducer)
    {
        var header = RecordBatchHeader.Read(batch.Span);
        if (header.BaseOffset >= mapEnd)
        {
            return batch;
        }

        if (header.IsControl || header.IsTransactional)
        {
            _opaqueSeen = true;
            return batch;
        }

        var records = RecordBatchRecords.Read(batch.Span, maxDecompressedBytes);
        var body = records.Body.Span;
        var keep = new bool[records.Records.Count];
        var kept = 0;
        for (var i = 0; i < keep.Length; i++)
        {
            var record = records.Records[i];
            var offset = header.BaseOffset + record.OffsetDelta;
            var latest = !record.HasKey || offset >= mapEnd || map.Get(body.Slice(record.KeyStart, record.KeyLength)) <= offset;
            var expired = record.IsTombstone && offset < tombstoneHorizon && !_opaqueSeen;
            keep[i] = latest && !(expired && offset < mapEnd);
            TombstonesKept += latest && record.IsTombstone && !expired ? 1 : 0;
            kept += keep[i] ? 1 : 0;
        }

        RecordsRemoved += keep.Length - kept;
        if (kept == keep.Length)
        {
            return batch;
        }

        if (kept > 0)
        {
            return records.Rebuild(batch.Span, i => keep[i]);
        }

        if (lastOfProducer && header.ProducerId >= 0)
        {
            return EmptyBatch(batch.Span);
        }

        return null;
    }

    /// <summary>The header alone: RecordCount 0, no body, no codec; offsets, sequence, epoch and timestamps as they were.</summary>
    private static byte[] EmptyBatch(ReadOnlySpan<byte> batch)
    {
        var empty = batch[..RecordBatchHeader.Size].ToArray();
        var attributes = (short)(RecordBatchHeader.Read(batch).Attributes & ~RecordBatchHeader.CompressionCodecMask);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(empty.AsSpan(RecordBatchHeader.AttributesOffset), attributes);
        RecordBatchHeader.SetLengthAndCount(empty, 0);
        return empty;
    }
}
