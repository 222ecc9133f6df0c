using System.IO.Compression;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Server.Handlers;

/// <summary>
/// The offset and timestamp of every record of one stored RecordBatch v2, for ListOffsets lookups
/// that must name the exact record (Kafka walks a batch's records for timestamp lookups and for
/// MAX_TIMESTAMP, decompressing when needed). Records follow the 61-byte header
/// (<see cref="RecordBatchHeader"/>), compressed as a whole when the codec bits say so:
/// <code>
///  length          varint   bytes of the rest of the record
///  attributes      i8       unused
///  timestampDelta  varlong  timestamp = FirstTimestamp + delta (CreateTime batches)
///  offsetDelta     varint   offset = BaseOffset + delta
///  key, value, headers      not needed here
/// </code>
/// In a LogAppendTime batch every record's timestamp is the batch's MaxTimestamp, as Kafka reports it.
/// Uncompressed and gzip batches are read (gzip with the BCL's GZipStream); snappy, lz4 and zstd
/// have no decoder among the allowed packages, so callers fall back to the batch's own fields.
/// </summary>
internal static class ListOffsetsRecordTimestamps
{
    private const int GzipCodec = 1;

    /// <summary>Fills <paramref name="records"/> in log order; false when the batch's records cannot be read here.</summary>
    public static bool TryRead(byte[] batch, List<(long Offset, long Timestamp)> records)
    {
        records.Clear();
        var header = RecordBatchHeader.Read(batch);
        var body = (header.Attributes & RecordBatchHeader.CompressionCodecMask) switch
        {
            0 => batch.AsMemory(RecordBatchHeader.Size),
            GzipCodec => Gunzip(batch),
            _ => (ReadOnlyMemory<byte>?)null,
        };
        if (body is not { } recordBytes)
        {
            return false;
        }

        var logAppendTime = (header.Attributes & RecordBatchHeader.TimestampTypeFlag) != 0;
        try
        {
            var reader = new KafkaReader(recordBytes.Span);
            for (var i = 0; i < header.RecordCount; i++)
            {
                var length = reader.ReadVarInt();
                var start = reader.Position;
                reader.ReadInt8();
                var timestampDelta = reader.ReadVarLong();
                var offsetDelta = reader.ReadVarInt();
                records.Add((header.BaseOffset + offsetDelta, logAppendTime ? header.MaxTimestamp : header.FirstTimestamp + timestampDelta));
                reader.Skip(length - (reader.Position - start));
            }

            return true;
        }
        catch (ProtocolException)
        {
            // A batch whose CRC held but whose records do not parse (a producer's bug): use the batch fields.
            records.Clear();
            return false;
        }
    }

    private static ReadOnlyMemory<byte>? Gunzip(byte[] batch)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(batch, RecordBatchHeader.Size, batch.Length - RecordBatchHeader.Size), CompressionMode.Decompress);
            using var records = new MemoryStream();
            gzip.CopyTo(records);
            return records.GetBuffer().AsMemory(0, (int)records.Length);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
