using BenchmarkDotNet.Attributes;
using FastLog.Benchmarks.Storage;
using FastLog.Records;

namespace FastLog.Benchmarks.Records;

/// <summary>
/// What re-compressing costs the log cleaner per codec: decompressing and compressing 1 MiB of
/// records (JSON-like values, 10,000 distinct keys: about as compressible as real change events) with
/// <see cref="RecordCompression"/>. Time per operation x 1024 is the CPU-seconds per GiB.
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
        var random = new Random(14);
        var records = new List<KeyValueRecord>();
        var size = 0;
        while (size < 1 << 20)
        {
            var key = System.Text.Encoding.UTF8.GetBytes($"customer-{random.Next(10_000)}");
            var value = System.Text.Encoding.UTF8.GetBytes(
                $"{{\"id\":{random.Next()},\"status\":\"{(random.Next(3) == 0 ? "active" : "pending")}\",\"balance\":{random.Next(100_000)}.{random.Next(100):D2},\"updated\":{1_700_000_000_000 + random.Next()}}}");
            records.Add(new KeyValueRecord(key, value));
            size += key.Length + value.Length + 8;
        }

        var batch = new RecordBatchBuilder { FirstTimestamp = 1_700_000_000_000 }.Build(records);
        _records = batch[RecordBatchHeader.Size..];
        _compressed = RecordCompression.Compress(Codec, _records);
        Console.WriteLine($"// {Codec}: {_records.Length} bytes -> {_compressed.Length} ({(double)_records.Length / _compressed.Length:F1}:1)");
    }

    [Benchmark]
    public int Decompress() => RecordCompression.Decompress(Codec, _compressed, _records.Length).Length;

    [Benchmark]
    public int Compress() => RecordCompression.Compress(Codec, _records).Length;
}
