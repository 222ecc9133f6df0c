using System.IO.Compression;

namespace FastLog.Records;

/// <summary>
/// The records-body codecs FastLog can run in-process, for rewriting stored batches (the log
/// cleaner) and looking inside them (the compacted-topic key check). gzip comes with the platform
/// (System.IO.Compression, Kafka's stream format: RFC 1952). snappy, lz4 and zstd have no codec
/// here yet: <see cref="IsAvailable"/> is false for them and callers keep such batches whole
/// rather than guess. Decompression is bounded (a caller-given maximum) so a small
/// compressed body cannot make the broker allocate without limit. Pure functions: any thread.
/// </summary>
public static class RecordCompression
{
    public static bool IsAvailable(CompressionCodec codec) => codec is CompressionCodec.None or CompressionCodec.Gzip;

    /// <summary>
    /// The uncompressed records of a body compressed with <paramref name="codec"/>. Throws
    /// <see cref="InvalidDataException"/> when it does not decode or grows past <paramref name="maxBytes"/>,
    /// <see cref="NotSupportedException"/> for a codec that is not <see cref="IsAvailable"/>.
    /// </summary>
    public static byte[] Decompress(CompressionCodec codec, ReadOnlySpan<byte> body, int maxBytes)
    {
        switch (codec)
        {
            case CompressionCodec.None:
                return body.Length <= maxBytes ? body.ToArray() : throw TooLarge(maxBytes);
            case CompressionCodec.Gzip:
                using (var gzip = new GZipStream(new MemoryStream(body.ToArray(), writable: false), CompressionMode.Decompress))
                {
                    return ReadBounded(gzip, maxBytes);
                }

            default:
                throw new NotSupportedException($"No in-process {codec} codec.");
        }
    }

    /// <summary><paramref name="records"/> compressed with <paramref name="codec"/> (the same codec the batch came with).</summary>
    public static byte[] Compress(CompressionCodec codec, ReadOnlySpan<byte> records)
    {
        switch (codec)
        {
            case CompressionCodec.None:
                return records.ToArray();
            case CompressionCodec.Gzip:
                using (var output = new MemoryStream())
                {
                    using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                    {
                        gzip.Write(records);
                    }

                    return output.ToArray();
                }

            default:
                throw new NotSupportedException($"No in-process {codec} codec.");
        }
    }

    private static byte[] ReadBounded(Stream stream, int maxBytes)
    {
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (Exception error) when (error is not InvalidDataException)
        {
            throw new InvalidDataException($"Compressed records do not decode: {error.Message}", error);
        }

        return output.ToArray();
    }

    private static InvalidDataException TooLarge(int maxBytes) => new($"Records decompress to more than {maxBytes} bytes.");
}
