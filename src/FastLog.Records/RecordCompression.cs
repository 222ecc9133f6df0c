using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Snappier;
using ZstdSharp;

namespace FastLog.Records;

/// <summary>
/// The records-body codecs of Kafka's RecordBatch, in-process, for rewriting batches (the log
/// cleaner, a topic's compression.type on produce) and looking inside them (the compacted-topic
/// key check). Formats as Kafka's producers write them; the levels below are the defaults, which a
/// caller may replace (<see cref="Compress"/>'s level, a topic's compression.*.level):
/// <list type="bullet">
/// <item>gzip (1): RFC 1952 stream, the platform's System.IO.Compression, level Optimal (zlib 6,
/// Kafka's compression.gzip.level default);</item>
/// <item>snappy (2): read both the xerial framing the Java client writes (8-byte magic, two
/// version ints, then big-endian length + raw snappy block) and plain raw snappy (librdkafka);
/// written in xerial framing, which every client reads (Snappier);</item>
/// <item>lz4 (3): the LZ4 frame format (KIP-57), independent 64 KiB blocks, the fast level
/// (librdkafka's default; Kafka's level 9 is LZ4-HC, measured here at about 25 times the CPU for a
/// smaller gain than zstd gives) (K4os.Compression.LZ4.Streams);</item>
/// <item>zstd (4): a standard zstd frame, level 3 (Kafka's compression.zstd.level default) (ZstdSharp.Port).</item>
/// </list>
/// Decompression is bounded (a caller-given maximum) so a small compressed body cannot make the
/// broker allocate without limit. Pure functions: any thread.
/// </summary>
public static class RecordCompression
{
    private const int XerialBlockBytes = 32 * 1024;
    private const int ZstdLevel = 3;

    /// <summary>The xerial snappy stream header: magic, then version 1 and minimum compatible version 1 (big-endian).</summary>
    private static ReadOnlySpan<byte> XerialHeader => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];

    private static readonly LZ4EncoderSettings Lz4Settings = new()
    {
        ChainBlocks = false,
        BlockSize = 64 * 1024,
        CompressionLevel = LZ4Level.L00_FAST,
    };

    /// <summary>
    /// The uncompressed records of a body compressed with <paramref name="codec"/>. Throws
    /// <see cref="InvalidDataException"/> when it does not decode or grows past <paramref name="maxBytes"/>.
    /// </summary>
    public static byte[] Decompress(CompressionCodec codec, ReadOnlySpan<byte> body, int maxBytes)
    {
        try
        {
            return codec switch
            {
                CompressionCodec.None => body.Length <= maxBytes ? body.ToArray() : throw TooLarge(maxBytes),
                CompressionCodec.Gzip => ReadBounded(new GZipStream(Input(body), CompressionMode.Decompress), maxBytes),
                CompressionCodec.Snappy => DecompressSnappy(body, maxBytes),
                CompressionCodec.Lz4 => ReadBounded(LZ4Stream.Decode(Input(body)), maxBytes),
                CompressionCodec.Zstd => ReadBounded(new DecompressionStream(Input(body)), maxBytes),
                _ => throw new InvalidDataException($"Unknown compression codec {(int)codec}."),
            };
        }
        catch (Exception error) when (error is not InvalidDataException)
        {
            // Each library has its own exceptions for bad input: one kind for the callers.
            throw new InvalidDataException($"{codec} records do not decode: {error.Message}", error);
        }
    }

    /// <summary>
    /// <paramref name="records"/> compressed with <paramref name="codec"/> at <paramref name="level"/>
    /// (null: the default above), Kafka's level scales (KIP-390): gzip 1-9 (zlib's); lz4 1-17, where
    /// 1-2 is the fast compressor, 3-12 LZ4-HC and higher is 12, as the lz4 library caps it; zstd
    /// -131072-22 (zstd's). snappy and none have no level.
    /// </summary>
    public static byte[] Compress(CompressionCodec codec, ReadOnlySpan<byte> records, int? level = null)
    {
        switch (codec)
        {
            case CompressionCodec.None:
                return records.ToArray();
            case CompressionCodec.Snappy:
                return CompressSnappy(records);
            case CompressionCodec.Zstd:
                using (var compressor = new Compressor(level ?? ZstdLevel))
                {
                    return compressor.Wrap(records).ToArray();
                }
        }

        using var output = new MemoryStream();
        using (var stream = codec switch
        {
            CompressionCodec.Gzip => level is { } gzipLevel
                ? new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = gzipLevel }, leaveOpen: true)
                : (Stream)new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            CompressionCodec.Lz4 => LZ4Stream.Encode(output, level is { } lz4Level ? Lz4SettingsAt(lz4Level) : Lz4Settings, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "Unknown compression codec."),
        })
        {
            stream.Write(records);
        }

        return output.ToArray();
    }

    private static LZ4EncoderSettings Lz4SettingsAt(int level) => new()
    {
        ChainBlocks = Lz4Settings.ChainBlocks,
        BlockSize = Lz4Settings.BlockSize,
        CompressionLevel = level < (int)LZ4Level.L03_HC ? LZ4Level.L00_FAST : (LZ4Level)Math.Min(level, (int)LZ4Level.L12_MAX),
    };

    private static MemoryStream Input(ReadOnlySpan<byte> body) => new(body.ToArray(), writable: false);

    private static byte[] DecompressSnappy(ReadOnlySpan<byte> body, int maxBytes)
    {
        if (!body.StartsWith(XerialHeader[..8]))
        {
            return Snappy.GetUncompressedLength(body) <= maxBytes ? Snappy.DecompressToArray(body) : throw TooLarge(maxBytes);
        }

        using var output = new MemoryStream();
        var at = XerialHeader.Length;
        while (at < body.Length)
        {
            if (body.Length - at < 4)
            {
                throw new InvalidDataException("Truncated xerial snappy block length.");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
            at += 4;
            if (length < 0 || length > body.Length - at)
            {
                throw new InvalidDataException($"Xerial snappy block of {length} bytes runs past the body.");
            }

            var block = body.Slice(at, length);
            if (output.Length + Snappy.GetUncompressedLength(block) > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            output.Write(Snappy.DecompressToArray(block));
            at += length;
        }

        return output.ToArray();
    }

    private static byte[] CompressSnappy(ReadOnlySpan<byte> records)
    {
        using var output = new MemoryStream();
        output.Write(XerialHeader);
        Span<byte> length = stackalloc byte[4];
        for (var at = 0; at < records.Length; at += XerialBlockBytes)
        {
            var block = Snappy.CompressToArray(records.Slice(at, Math.Min(XerialBlockBytes, records.Length - at)));
            BinaryPrimitives.WriteInt32BigEndian(length, block.Length);
            output.Write(length);
            output.Write(block);
        }

        return output.ToArray();
    }

    private static byte[] ReadBounded(Stream stream, int maxBytes)
    {
        using (stream)
        {
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
    }

    private static InvalidDataException TooLarge(int maxBytes) => new($"Records decompress to more than {maxBytes} bytes.");
}
