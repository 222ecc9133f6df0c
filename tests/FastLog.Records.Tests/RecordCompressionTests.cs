using System.Text;

namespace FastLog.Records.Tests;

public sealed class RecordCompressionTests
{
    public static TheoryData<CompressionCodec> AllCodecs => [.. Enum.GetValues<CompressionCodec>()];

    public static TheoryData<CompressionCodec> Compressing => [.. Enum.GetValues<CompressionCodec>().Where(c => c != CompressionCodec.None)];

    private static readonly byte[] Records = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"record {i % 37} ")));

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void EveryCodec_RoundTrips(CompressionCodec codec)
    {
        var compressed = RecordCompression.Compress(codec, Records);
        if (codec != CompressionCodec.None)
        {
            Assert.True(compressed.Length < Records.Length / 4, $"{codec}: {compressed.Length} bytes");
        }

        Assert.Equal(Records, RecordCompression.Decompress(codec, compressed, Records.Length));
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Decompression_StopsAtTheLimit_AndGarbageIsInvalidData(CompressionCodec codec)
    {
        var compressed = RecordCompression.Compress(codec, Records);
        Assert.Throws<InvalidDataException>(() => RecordCompression.Decompress(codec, compressed, Records.Length - 1));
        Assert.Throws<InvalidDataException>(() => RecordCompression.Decompress(codec, "\u0082SNAPPY\0garbage that is no codec's"u8, 1 << 20));
    }

    [Fact]
    public void Snappy_ReadsRawBlocksAsLibrdkafkaWritesThem()
    {
        var raw = Snappier.Snappy.CompressToArray(Records);
        Assert.Equal(Records, RecordCompression.Decompress(CompressionCodec.Snappy, raw, Records.Length));
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Rebuild_KeepsTheChosenRecordsVerbatim_TheHeader_AndAValidCrc(CompressionCodec codec)
    {
        var records = Enumerable.Range(0, 6).Select(i => new KeyValueRecord(Encoding.UTF8.GetBytes($"k{i}"), i == 3 ? null : Encoding.UTF8.GetBytes($"v{i}"), i * 10,
            [new RecordHeader("h", [(byte)i])])).ToList();
        var builder = new RecordBatchBuilder { BaseOffset = 100, FirstTimestamp = 1_700_000_000_000, ProducerId = 9, ProducerEpoch = 2, BaseSequence = 40 };
        var plain = builder.Build(records);
        var batch = builder.BuildPassthrough(RecordCompression.Compress(codec, plain.AsSpan(RecordBatchHeader.Size)), records.Count, codec);

        var read = RecordBatchRecords.Read(batch, 1 << 20);
        Assert.Equal(6, read.Records.Count);
        Assert.True(read.Records[3].IsTombstone);
        var rebuilt = read.Rebuild(batch, i => i % 2 == 1);

        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(rebuilt, out var size));
        Assert.Equal(rebuilt.Length, size);
        var header = RecordBatchHeader.Read(rebuilt);
        var original = RecordBatchHeader.Read(batch);
        Assert.Equal((original.BaseOffset, original.LastOffsetDelta, original.ProducerId, original.ProducerEpoch, original.BaseSequence, original.FirstTimestamp, original.CompressionCodec),
            (header.BaseOffset, header.LastOffsetDelta, header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.FirstTimestamp, header.CompressionCodec));
        Assert.Equal(3, header.RecordCount);
        var again = RecordBatchRecords.Read(rebuilt, 1 << 20);
        Assert.Equal([1, 3, 5], again.Records.Select(r => r.OffsetDelta));
        Assert.Equal(
            read.Records.Where((_, i) => i % 2 == 1).Select(r => read.Body.Slice(r.Start, r.Length).ToArray()),
            again.Records.Select(r => again.Body.Slice(r.Start, r.Length).ToArray()));
    }
}
