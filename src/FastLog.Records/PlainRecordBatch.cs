namespace FastLog.Records;

/// <summary>
/// Reads the keys and values back out of uncompressed RecordBatch v2 bytes (record layout in
/// <see cref="RecordBatchBuilder"/>, which writes them). The group coordinator's offsets log is
/// replayed with it; the load tool's wire client counts fetched records with it.
/// </summary>
public static class PlainRecordBatch
{
    /// <summary>
    /// Calls <paramref name="apply"/> for every record of the batches in <paramref name="batches"/>
    /// (batches back to back, as the log and fetch responses hold them; a partial last batch is
    /// left alone); returns the offset after the last whole batch, or -1 when there was none.
    /// Throws <see cref="InvalidDataException"/> for a compressed batch or records that do not parse.
    /// </summary>
    public static long Decode(ReadOnlyMemory<byte> batches, Action<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var span = batches.Span;
        var next = -1L;
        var records = new List<RecordSpan>();
        var at = 0;
        while (at + RecordBatchHeader.Size <= span.Length)
        {
            var header = RecordBatchHeader.Read(span[at..]);
            if (at + header.TotalSize > span.Length)
            {
                // A fetch response may end in a partial batch (cut at the size limit): not decoded.
                break;
            }

            if (header.CompressionCodec != CompressionCodec.None)
            {
                throw new InvalidDataException($"Batch at offset {header.BaseOffset} is compressed; only plain batches can be decoded here.");
            }

            var body = batches.Slice(at + RecordBatchHeader.Size, header.TotalSize - RecordBatchHeader.Size);
            records.Clear();
            RecordParser.Parse(body.Span, header.RecordCount, records);
            foreach (var record in records)
            {
                // A null key (-1: what producers send without one) reads as empty.
                var key = record.HasKey ? body.Slice(record.KeyStart, record.KeyLength) : ReadOnlyMemory<byte>.Empty;
                apply(key, record.IsTombstone ? (ReadOnlyMemory<byte>?)null : body.Slice(record.ValueStart, record.ValueLength));
            }

            at += header.TotalSize;
            next = header.LastOffset + 1;
        }

        return next;
    }
}
