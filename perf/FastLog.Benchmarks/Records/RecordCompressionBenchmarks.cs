using BenchmarkDotNet.Attributes;
using FastLog.Benchmarks.Storage;
using FastLog.Records;

namespace FastLog.Benchmarks.Records;

/// <summary>
/// What re-compressing costs the log cleaner per codec: decompressing and compressing 1 MiB of
/// records (<see cref="ChangeEvents"/>) with <see cref="RecordCompression"/> at the cleaner's levels
/// (for a topic's compression.type see <see cref="TopicRecompressionBenchmarks"/>). Time per
/// operation x 1024 is the CPU-seconds per GiB.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class RecordCompressionBenchmarks
{
    private byte[] _records = [];
    private byte[] _compressed = [];

    [Params(CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd)]
    public CompressionCodec Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var batch = new RecordBatchBuilder { FirstTimestamp = 1_700_000_000_000 }.Build(ChangeEvents.Build(1 << 20));
        _records = batch[RecordBatchHeader.Size..];
        _compressed = RecordCompression.Compress(Codec, _records);
        Console.WriteLine($"// {Codec}: {_records.Length} bytes -> {_compressed.Length} ({(double)_records.Length / _compressed.Length:F1}:1)");
    }

    [Benchmark]
    public int Decompress() => RecordCompression.Decompress(Codec, _compressed, _records.Length).Length;

    [Benchmark]
    public int Compress() => RecordCompression.Compress(Codec, _records).Length;
}
