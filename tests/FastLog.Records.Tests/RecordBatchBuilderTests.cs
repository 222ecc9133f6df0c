using System.Buffers;
using System.Buffers.Binary;
using FastLog.Core;

namespace FastLog.Records.Tests;

public sealed class RecordBatchBuilderTests
{
    [Fact]
    public void Build_MatchesAGoldenVector_WorkedOutByHandFromTheByteDiagram()
    {
        var batch = new RecordBatchBuilder
        {
            BaseOffset = 5,
            PartitionLeaderEpoch = 3,
            ProducerId = 7,
            ProducerEpoch = 1,
            BaseSequence = 9,
            IsTransactional = true,
            FirstTimestamp = 1000,
        }.Build([new("k"u8.ToArray(), "v"u8.ToArray(), TimestampDelta: 2, Headers: [new("h", null)]), new(null, "w"u8.ToArray())]);

        byte[] expected =
        [
            0, 0, 0, 0, 0, 0, 0, 5,             //  0 BaseOffset 5
            0, 0, 0, 0x45,                      //  8 Length 69 = 81 - 12
            0, 0, 0, 3,                         // 12 PartitionLeaderEpoch 3
            2,                                  // 16 Magic
            0xF8, 0xEE, 0xDF, 0x8B,             // 17 CRC-32C of bytes 21..80 (computed apart from FastLog)
            0x00, 0x10,                         // 21 Attributes: transactional
            0, 0, 0, 1,                         // 23 LastOffsetDelta 1
            0, 0, 0, 0, 0, 0, 0x03, 0xE8,       // 27 FirstTimestamp 1000
            0, 0, 0, 0, 0, 0, 0x03, 0xEA,       // 35 MaxTimestamp 1002 (the largest delta is 2)
            0, 0, 0, 0, 0, 0, 0, 7,             // 43 ProducerId 7
            0, 1,                               // 51 ProducerEpoch 1
            0, 0, 0, 9,                         // 53 BaseSequence 9
            0, 0, 0, 2,                         // 57 RecordCount 2
            // Record 0: length 11 (zigzag 0x16), attributes, timestampDelta 2 (0x04), offsetDelta 0,
            // key "k", value "v", one header: key "h", null value (-1 = 0x01).
            0x16, 0x00, 0x04, 0x00, 0x02, (byte)'k', 0x02, (byte)'v', 0x02, 0x02, (byte)'h', 0x01,
            // Record 1: length 7 (0x0E), attributes, timestampDelta 0, offsetDelta 1 (0x02),
            // null key (0x01), value "w", no headers.
            0x0E, 0x00, 0x00, 0x02, 0x01, 0x02, (byte)'w', 0x00,
        ];
        Assert.Equal(expected, batch);
    }

    [Fact]
    public void Build_RoundTripsThroughTheHeaderReaderAndTheValidator()
    {
        var builder = new RecordBatchBuilder { ProducerId = 12, ProducerEpoch = 3, BaseSequence = 40, FirstTimestamp = 1_700_000_000_000 };
        var records = Enumerable.Range(0, 100)
            .Select(i => new KeyValueRecord([(byte)i], new byte[i * 10], TimestampDelta: 100 - i, Headers: [new("trace-é", [(byte)i])]))
            .ToList();

        var batch = builder.Build(records);

        Assert.Equal(
            new RecordBatchHeader
            {
                Length = batch.Length - RecordBatchHeader.LogOverhead,
                PartitionLeaderEpoch = -1,
                Magic = RecordBatchHeader.CurrentMagic,
                Crc = Crc32C.Compute(batch.AsSpan(RecordBatchHeader.AttributesOffset)),
                LastOffsetDelta = 99,
                FirstTimestamp = 1_700_000_000_000,
                MaxTimestamp = 1_700_000_000_100, // FirstTimestamp + the largest delta
                ProducerId = 12,
                ProducerEpoch = 3,
                BaseSequence = 40,
                RecordCount = 100,
            },
            RecordBatchHeader.Read(batch));
        var validation = RecordBatchValidator.ValidateForAppend(batch, 1 << 20);
        Assert.True(validation.IsValid, validation.ToString());
        Assert.Equal(100, validation.OffsetCount);

        var values = new List<int>();
        PlainRecordBatch.Decode(batch, (_, value) => values.Add(value!.Value.Length));
        Assert.Equal(records.Select(r => r.Value!.Length), values);
    }

    [Fact]
    public void Build_StoresTheCrc32COfBytes21OnBigEndian()
    {
        var batch = new RecordBatchBuilder { FirstTimestamp = 1 }.Build([new([1], [2])]);

        Assert.Equal(Crc32C.Compute(batch.AsSpan(RecordBatchHeader.AttributesOffset)), BinaryPrimitives.ReadUInt32BigEndian(batch.AsSpan(RecordBatchHeader.CrcOffset)));
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Theory]
    [InlineData(false, true, RecordBatchHeader.TransactionalFlag)]
    [InlineData(true, false, RecordBatchHeader.ControlFlag)]
    [InlineData(true, true, RecordBatchHeader.TransactionalFlag | RecordBatchHeader.ControlFlag)]
    public void Build_SetsTheControlAndTransactionalBits(bool control, bool transactional, int attributes)
    {
        var batch = new RecordBatchBuilder { IsControl = control, IsTransactional = transactional, FirstTimestamp = 1 }.Build([new([0, 0, 0, 1], [0, 0, 0, 0, 0, 0])]);

        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(attributes, header.Attributes);
        Assert.Equal(control, header.IsControl);
        Assert.Equal(transactional, header.IsTransactional);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(batch, out _));
    }

    [Fact]
    public void Build_SetsTheLogAppendTimeBit_AndTakesAnExplicitMaxTimestamp()
    {
        var batch = new RecordBatchBuilder { TimestampType = TimestampType.LogAppendTime, FirstTimestamp = 10, MaxTimestamp = 99 }.Build([new([1], [2])]);

        var header = RecordBatchHeader.Read(batch);
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(99, header.MaxTimestamp);
    }

    [Fact]
    public void BuildPassthrough_KeepsTheCompressedBodyAsGiven()
    {
        byte[] compressed = [0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6];

        var batch = new RecordBatchBuilder { ProducerId = 4, ProducerEpoch = 0, BaseSequence = 0, FirstTimestamp = 50, MaxTimestamp = 60 }
            .BuildPassthrough(compressed, 7, CompressionCodec.Gzip);

        Assert.Equal(compressed, batch.AsSpan(RecordBatchHeader.Size).ToArray());
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(CompressionCodec.Gzip, header.CompressionCodec);
        Assert.Equal(7, header.RecordCount);
        Assert.Equal(6, header.LastOffsetDelta);
        Assert.Equal(50, header.FirstTimestamp);
        Assert.Equal(60, header.MaxTimestamp);
        Assert.True(RecordBatchValidator.ValidateForAppend(batch, 1 << 20).IsValid);
    }

    [Fact]
    public void WriteTo_AppendsTheSameBytesBuildReturns()
    {
        var builder = new RecordBatchBuilder { FirstTimestamp = 1_700_000_000_000 };
        List<KeyValueRecord> records = [new([], new byte[300]), new([], [1])];
        var output = new ArrayBufferWriter<byte>();
        output.Write<byte>([9, 9, 9]);

        var size = builder.WriteTo(output, records);

        Assert.Equal(builder.Build(records), output.WrittenSpan[3..].ToArray());
        Assert.Equal(size, output.WrittenCount - 3);
    }
}
