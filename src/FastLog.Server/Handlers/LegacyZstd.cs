using System.Buffers.Binary;
using FastLog.Records;
using FastLog.Storage.Read;

namespace FastLog.Server.Handlers;

/// <summary>
/// zstd for clients that predate it (KIP-110): Produce before v7 and Fetch before v10 cannot
/// carry zstd batches, and Kafka answers UNSUPPORTED_COMPRESSION_TYPE instead of storing or
/// returning them. Kafka refuses such a Produce by the partition's (single) batch; for Fetch it
/// looks at the topic's compression.type, which misses the zstd batches a "producer" topic stored
/// as sent, so here the batches about to be returned decide (a zstd topic's are all zstd): an old
/// consumer would otherwise get records it cannot decode.
/// </summary>
internal static class LegacyZstd
{
    public const short FirstProduceVersion = 7;
    public const short FirstFetchVersion = 10;

    private const int AttributesEnd = RecordBatchHeader.AttributesOffset + sizeof(short);

    /// <summary>True when the produced records start with a zstd batch (a Produce v3+ partition holds exactly one batch).</summary>
    public static bool StartsWithZstd(ReadOnlySpan<byte> records) =>
        records.Length >= AttributesEnd && IsZstd(records);

    /// <summary>
    /// True when any batch of <paramref name="read"/> is zstd-compressed. Reads a file region
    /// with an asynchronous pread (never blocking the calling shard); only old fetch versions
    /// pay for it, with at most the bytes the fetch was about to send.
    /// </summary>
    public static async ValueTask<bool> ContainsZstdAsync(LogReadResult read)
    {
        var bytes = read.File is { } file ? await ReadAsync(file) : read.ToArray();
        for (var at = 0; bytes.Length - at >= AttributesEnd;)
        {
            var batch = bytes.AsSpan(at);
            if (IsZstd(batch))
            {
                return true;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchHeader.LengthOffset..]);
            if (length <= 0)
            {
                return false; // stored batches were validated on append; never loop on a bad length
            }

            at += RecordBatchHeader.LogOverhead + length;
        }

        return false;
    }

    private static bool IsZstd(ReadOnlySpan<byte> batch) =>
        (BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchHeader.AttributesOffset..]) & RecordBatchHeader.CompressionCodecMask) == (int)CompressionCodec.Zstd;

    private static async ValueTask<byte[]> ReadAsync(FileRegion file)
    {
        var bytes = new byte[file.Length];
        for (var done = 0; done < bytes.Length;)
        {
            var read = await RandomAccess.ReadAsync(file.Handle, bytes.AsMemory(done), file.Position + done);
            if (read == 0)
            {
                throw new EndOfStreamException($"Segment file ended {bytes.Length - done} bytes before the region's end.");
            }

            done += read;
        }

        return bytes;
    }
}
