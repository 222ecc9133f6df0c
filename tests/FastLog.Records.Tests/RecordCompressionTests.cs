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

    public static TheoryData<CompressionCodec, CompressionCodec> CodecPairs
    {
        get
        {
            var pairs = new TheoryData<CompressionCodec, CompressionCodec>();
            foreach (var from in Enum.GetValues<CompressionCodec>())
            {
                foreach (var to in Enum.GetValues<CompressionCodec>().Where(c => c != from))
                {
                    pairs.Add(from, to);
                }
            }

            return pairs;
        }
    }

    [Theory]
    [MemberData(nameof(CodecPairs))]
    public void Recompress_KeepsEveryRecordAndHeaderField_ChangesOnlyTheCodec_AndAValidCrc(CompressionCodec from, CompressionCodec to)
    {
        var records = Enumerable.Range(0, 50).Select(i => new KeyValueRecord(i % 7 == 0 ? null : Encoding.UTF8.GetBytes($"key-{i}"),
            i % 11 == 0 ? null : Encoding.UTF8.GetBytes($"value {i} {new string('x', i)}"), i * 3,
            [new RecordHeader("trace", [(byte)i, 1, 2]), new RecordHeader("empty", null)])).ToList();
        var builder = new RecordBatchBuilder
        {
            BaseOffset = 0, PartitionLeaderEpoch = -1, FirstTimestamp = 1_700_000_000_000, MaxTimestamp = 1_700_000_000_147,
            ProducerId = 77, ProducerEpoch = 3, BaseSequence = 1234, IsTransactional = true,
        };
        var plain = builder.Build(records);
        var batch = builder.BuildPassthrough(RecordCompression.Compress(from, plain.AsSpan(RecordBatchHeader.Size)), records.Count, from);

        var recompressed = RecordBatchRecords.Read(batch, 1 << 20).Recompress(batch, to, level: null);

        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(recompressed, out var size));
        Assert.Equal(recompressed.Length, size);
        var (before, after) = (RecordBatchHeader.Read(batch), RecordBatchHeader.Read(recompressed));
        Assert.Equal(to, after.CompressionCodec);
        Assert.Equal(before.Attributes & ~RecordBatchHeader.CompressionCodecMask, after.Attributes & ~RecordBatchHeader.CompressionCodecMask);
        Assert.Equal(before with { Length = 0, Crc = 0, Attributes = 0 }, after with { Length = 0, Crc = 0, Attributes = 0 });

        // Decompressed again, the very batch the producer built: keys, values, headers, offset and timestamp deltas.
        Assert.Equal(plain, builder.BuildPassthrough(RecordBatchRecords.Read(recompressed, 1 << 20).Body.ToArray(), records.Count, CompressionCodec.None));
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip, 1, 9)]
    [InlineData(CompressionCodec.Lz4, 1, 17)]
    [InlineData(CompressionCodec.Zstd, -5, 19)]
    public void Levels_AcrossKafkasRange_RoundTrip_AndTheHighestIsNoLarger(CompressionCodec codec, int lowest, int highest)
    {
        var fast = RecordCompression.Compress(codec, Records, lowest);
        var small = RecordCompression.Compress(codec, Records, highest);
        Assert.Equal(Records, RecordCompression.Decompress(codec, fast, Records.Length));
        Assert.Equal(Records, RecordCompression.Decompress(codec, small, Records.Length));
        Assert.True(small.Length <= fast.Length, $"{codec}: level {highest} {small.Length} bytes, level {lowest} {fast.Length}");
    }
}
