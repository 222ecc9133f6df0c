namespace FastLog.Protocol.Tests;

public sealed class KafkaWriterTests
{
    [Fact]
    public void Grows_PastInitialCapacity_KeepingContent()
    {
        using var writer = new KafkaWriter(16);
        for (var i = 0; i < 10_000; i++)
            writer.WriteInt32(i);
        var reader = new KafkaReader(writer.WrittenMemory);
        for (var i = 0; i < 10_000; i++)
            Assert.Equal(i, reader.ReadInt32());
    }

    [Fact]
    public void ReserveAndPatch_FillsALengthPrefixLater()
    {
        using var writer = new KafkaWriter();
        var position = writer.ReserveInt32();
        writer.WriteInt16(7);
        writer.PatchInt32(position, writer.Position - position - 4);
        Assert.Equal(new byte[] { 0, 0, 0, 2, 0, 7 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void InsertUnsignedVarInt_ShiftsFollowingBytes()
    {
        using var writer = new KafkaWriter(16);
        writer.WriteInt8(1);
        writer.WriteRaw(Enumerable.Range(0, 200).Select(i => (byte)i).ToArray());
        writer.InsertUnsignedVarInt(1, 200);
        var bytes = writer.WrittenSpan.ToArray();
        Assert.Equal(203, bytes.Length);
        Assert.Equal(new byte[] { 1, 0xC8, 0x01, 0, 1, 2 }, bytes[..6]);
        Assert.Equal(199, bytes[^1]);
    }

    [Fact]
    public void ExternalPayloads_BecomeSegments_AndCountInTheFrameSize()
    {
        using var writer = new KafkaWriter();
        var frame = writer.BeginFrame();
        writer.WriteInt32(0x11111111);
        writer.WriteLength(5, compact: false);
        writer.WriteExternal(new FakeFileRegion(5));
        writer.WriteInt16(0x2222);
        writer.WriteExternal(new FakeFileRegion(3));
        writer.EndFrame(frame);

        Assert.Equal(4 + 4 + 4 + 5 + 2 + 3, writer.TotalLength);
        var segments = new List<ResponseSegment>();
        writer.GetSegments(segments);
        Assert.Equal(4, segments.Count);
        Assert.False(segments[0].IsExternal);
        Assert.Equal(new byte[] { 0, 0, 0, 18, 0x11, 0x11, 0x11, 0x11, 0, 0, 0, 5 }, segments[0].Encoded.ToArray());
        Assert.Equal(5, Assert.IsType<FakeFileRegion>(segments[1].External).Length);
        Assert.Equal(new byte[] { 0x22, 0x22 }, segments[2].Encoded.ToArray());
        Assert.Equal(3, segments[3].Length);
        Assert.Equal(writer.TotalLength, segments.Sum(s => (long)s.Length));
    }

    [Fact]
    public void InsertAcrossAnExternalPayload_IsRefused()
    {
        using var writer = new KafkaWriter();
        writer.WriteInt32(0);
        writer.WriteExternal(new FakeFileRegion(10));
        Assert.Throws<InvalidOperationException>(() => writer.InsertUnsignedVarInt(0, 1));
    }

    [Fact]
    public void Reset_ForgetsBytesAndSplices()
    {
        using var writer = new KafkaWriter();
        writer.WriteInt64(1);
        writer.WriteExternal(new FakeFileRegion(10));
        writer.Reset();
        Assert.Equal(0, writer.TotalLength);
        Assert.False(writer.HasExternalPayloads);
    }

    [Fact]
    public void ImplementsBufferWriter()
    {
        using var writer = new KafkaWriter(16);
        var span = writer.GetSpan(100);
        Assert.True(span.Length >= 100);
        span[0] = 42;
        writer.Advance(1);
        Assert.Equal(new byte[] { 42 }, writer.WrittenSpan.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(int.MaxValue));
    }
}
