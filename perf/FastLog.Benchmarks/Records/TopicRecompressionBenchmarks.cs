using BenchmarkDotNet.Attributes;
using FastLog.Benchmarks.Storage;
using FastLog.Records;

namespace FastLog.Benchmarks.Records;

/// <summary>
/// What a topic's compression.type costs the broker per produced byte: re-encoding 8 MiB of records
/// (<see cref="ChangeEvents"/>, in 128 batches of 64 KiB) from the producer's codec to the topic's as
/// the produce path does (<see cref="RecordBatchRecords.Recompress"/>: decompress, parse, compress,
/// CRC-32C), at Kafka's default levels (gzip zlib 6, lz4 9 = LZ4-HC, zstd 3). One thread, so time per
/// operation x 128 is the CPU-seconds per GiB of (uncompressed) records.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class TopicRecompressionBenchmarks
{
    private const int RecordsBytes = 8 << 20;
    private const int BatchBytes = 64 * 1024;
    private const int KafkaLz4Level = 9;

    private List<byte[]> _batches = [];

    [Params(CompressionCodec.None, CompressionCodec.Snappy)]
    public CompressionCodec Source { get; set; }

    [Params(CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd)]
    public CompressionCodec Target { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var records = ChangeEvents.Build(RecordsBytes);
        var perBatch = records.Count / (RecordsBytes / BatchBytes);
        var builder = new RecordBatchBuilder { FirstTimestamp = 1_700_000_000_000 };
        _batches = records.Chunk(perBatch).Select(chunk =>
        {
            var plain = builder.Build(chunk.ToList());
            return builder.BuildPassthrough(RecordCompression.Compress(Source, plain.AsSpan(RecordBatchHeader.Size)), chunk.Length, Source);
        }).ToList();
        var stored = Recompress();
        Console.WriteLine($"// {Source} -> {Target}: {_batches.Sum(b => b.Length)} bytes in {_batches.Count} batches -> {stored}");
    }

    [Benchmark]
    public int Recompress()
    {
        var bytes = 0;
        foreach (var batch in _batches)
        {
            bytes += RecordBatchRecords.Read(batch, 1 << 24).Recompress(batch, Target, Target == CompressionCodec.Lz4 ? KafkaLz4Level : null).Length;
        }

        return bytes;
    }
}
